import Exports
import ArgumentParser
import CCairo
import Recorder

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Show the machine facts that make runs comparable.",
        discussion: """
        Swift version, CPU model and cores, memory, OS, OpenBLAS configuration and
        threads — the same facts every run stores in runs.host_json.

        Example:
          ffbench env --format json
        """
    )

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let host = HostInfo.current()
        switch format {
        case .json:
            try Console.printJSON(host)
        case .text:
            print(TextTable(header: ["fact", "value"], rows: host.facts(cairo: String(cString: cairo_version_string()))).render())
        }
    }
}
