// Entry point. Parsing, dispatch and exit codes live here so that every
// failure ends as one line on stderr with a documented status:
// 0 ok, 1 runtime failure, 2 bad usage or bad input.
import ArgumentParser
import Foundation

let status = await Launcher.run(CommandLine.arguments.dropFirst().map { $0 })
exit(status)
