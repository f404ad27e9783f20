// Preloaded (--import) into every timed process: reports the process's CPU time (user and system,
// microseconds, all threads) on stderr as it exits. Node's own startup is in it; teardown is not.
process.on('exit', () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write(`\ncold-start-cpu ${user} ${system}\n`)
})
