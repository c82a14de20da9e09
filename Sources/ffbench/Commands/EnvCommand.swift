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
            let gib = Double(host.memoryBytes) / Double(1 << 30)
            var table = TextTable(header: ["fact", "value"])
            table.rows = [
                ["ffbench", host.ffbenchVersion + (host.gitCommit.map { " (commit \($0))" } ?? "")],
                ["swift", host.swiftVersion],
                ["cpu", host.cpuModel],
                ["cores", String(host.cores)],
                ["memory", String(format: "%.1f GiB", gib)],
                ["os", "\(host.os), kernel \(host.kernel)"],
                ["openblas", host.blasConfig],
                ["openblas core", host.blasCore],
                ["openblas threads", String(host.blasThreads)],
                ["openblas env", host.blasEnvironment.isEmpty ? "(none set)"
                    : host.blasEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")],
                ["cairo", String(cString: cairo_version_string())],
                ["load average", host.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")],
            ]
            print(table.render())
        }
    }
}
