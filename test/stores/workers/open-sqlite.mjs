// Opens a SQLite store at argv[2] and reports how it failed (or that it opened).
import { createSqliteStore } from '../../../src/verifier/index.js'

try {
  const store = await createSqliteStore(process.argv[2])
  await store.close()
  process.stdout.write(JSON.stringify({ opened: true }))
} catch (error) {
  process.stdout.write(JSON.stringify({ name: error.name, code: error.code, message: error.message }))
}
