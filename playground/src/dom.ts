/** Small typed helpers over the page's elements. */

/** The element with this id, of the expected type; a missing one is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id)
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`)
  return element
}

/** The value of the checked radio button of a group. */
export function checkedValue(name: string): string {
  const checked = document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)
  if (!checked) throw new Error(`no radio button of ${name} is checked`)
  return checked.value
}

/** Checks the radio button of a group that has this value. */
export function check(name: string, value: string): void {
  const input = document.querySelector<HTMLInputElement>(`input[name="${name}"][value="${value}"]`)
  if (!input) throw new Error(`no radio button ${name}=${value}`)
  input.checked = true
}

/** Shows a message under a field, as an error (marking the field invalid) or as plain information. */
export function say(message: HTMLElement, text: string, kind: 'error' | 'info' | 'ok' = 'info', field?: HTMLElement): void {
  message.textContent = text
  message.dataset.kind = kind
  if (field) {
    if (kind === 'error') field.setAttribute('aria-invalid', 'true')
    else field.removeAttribute('aria-invalid')
  }
}

/** An element with text, for building small pieces of the page. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (text !== undefined) element.textContent = text
  if (className) element.className = className
  return element
}

/** The message of an OtpError (or any error), for showing to the person typing. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
