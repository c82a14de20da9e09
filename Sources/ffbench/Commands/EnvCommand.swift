import Charts
import Exports
import ArgumentParser
import Recorder
import RunStore

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Show the machine facts that make runs comparable.",
        discussion: """
        Swift version, CPU model and cores, memory, OS, OpenBLAS configuration and \
        threads, and the timing facts (governor, turbo, SMT) — the same facts every \
        run stores with itself (docs/schema.md, runs).

        With --check it also looks for about a second at what can disturb a timing:
        other busy processes, other CPU use and steal, the canary's spread, the \
        frequency governor and turbo, SMT siblings, and whether a Slurm job has its \
        node to itself. It exits 1 when the machine is not quiet.

        Examples:
          ffbench env --format json
          ffbench env --check
        """
    )

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Check whether the machine is quiet enough to time on (exit 1 if not).")
    var check = false

    func run() throws {
        if check {
            let quiet = QuietCheck.run()
            switch format {
            case .json: try Console.printJSON(quiet)
            case .text: print(TextTable(header: ["check", "finding"], rows: quiet.lines).render())
            }
            if !quiet.isQuiet { throw ExitCode(1) }
            return
        }
        let host = ThisHost.facts()
        switch format {
        case .json:
            try Console.printJSON(host)
        case .text:
            print(TextTable(header: ["fact", "value"], rows: host.lines(cairo: ChartOutput.cairoVersion)).render())
        }
    }
}
