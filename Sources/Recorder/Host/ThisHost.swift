import Foundation
import RunStore
import Tensor

/// Reads the facts of the machine this process runs on (RunStore's
/// `HostFacts`, stored with every run and printed by `ffbench env`).
public enum ThisHost {
    /// `executablePath` locates the source tree whose commit built this
    /// binary (nil when run outside a clone).
    public static func facts(executablePath: String = CommandLine.arguments.first ?? "") -> HostFacts {
        let pi = ProcessInfo.processInfo
        let env = pi.environment.filter { $0.key.hasPrefix("OPENBLAS_") || $0.key == "OMP_NUM_THREADS" }
        return HostFacts(
            hostname: pi.hostName,
            cpuModel: cpuModel(),
            cores: pi.activeProcessorCount,
            memoryBytes: pi.physicalMemory,
            os: osName(),
            kernel: kernelRelease(),
            swiftVersion: compilerVersion,
            blasConfig: BLAS.config.trimmingCharacters(in: .whitespaces),
            blasCore: BLAS.coreName,
            blasThreads: BLAS.threads,
            blasEnvironment: env,
            ffbenchVersion: ffbenchVersion,
            gitCommit: gitCommit(near: executablePath),
            loadAverage: loadAverage(),
            energy: EnergyCounter.describe(),
            governor: governor(), turbo: turbo(), smtSiblings: smtSiblings())
    }

    public static let ffbenchVersion = "0.1.0"

    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    static func osName() -> String {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return "Linux" }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }

    static func kernelRelease() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// The commit of the clone this binary was built in: walks up from the
    /// executable to a `.git` folder and asks git.
    static func gitCommit(near executablePath: String) -> String? {
        var dir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        let fm = FileManager.default
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent(".git").path) {
                return output(["git", "-C", dir.path, "rev-parse", "--short=12", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// A short command's standard output, or nil when it cannot start or fails.
    static func output(_ command: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// The compiler that built this binary (Swift has no runtime query).
    static var compilerVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.1"
        #endif
    }

    static func governor() -> String? {
        ProcessProbe.read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// intel_pstate's no_turbo, or the generic cpufreq boost switch; nil without either.
    static func turbo() -> String? {
        if let v = ProcessProbe.read("/sys/devices/system/cpu/intel_pstate/no_turbo")?.trimmingCharacters(in: .whitespacesAndNewlines) {
            return v == "0" ? "on" : "off"
        }
        if let v = ProcessProbe.read("/sys/devices/system/cpu/cpufreq/boost")?.trimmingCharacters(in: .whitespacesAndNewlines) {
            return v == "1" ? "on" : "off"
        }
        return nil
    }

    /// "none" when no core lists a sibling, else cpu0's list.
    static func smtSiblings() -> String {
        for cpu in 0..<MachineCPU.cores {
            guard let list = ProcessProbe.read("/sys/devices/system/cpu/cpu\(cpu)/topology/thread_siblings_list")?
                .trimmingCharacters(in: .whitespacesAndNewlines) else { continue }
            if list.contains(",") || list.contains("-") { return "cpu\(cpu): \(list)" }
        }
        return "none"
    }
}

extension HostFacts {
    /// The facts as (name, value) lines for a terminal (`ffbench env`).
    public func lines(cairo: String) -> [[String]] {
        [
            ["ffbench", ffbenchVersion + (gitCommit.map { " (commit \($0))" } ?? "")],
            ["swift", swiftVersion],
            ["cpu", cpuModel],
            ["cores", String(cores)],
            ["memory", String(format: "%.1f GiB", Double(memoryBytes) / Double(1 << 30))],
            ["os", "\(os), kernel \(kernel)"],
            ["openblas", blasConfig],
            ["openblas core", blasCore],
            ["compute threads", "\(blasThreads) (OpenBLAS at 1 per product block)"],
            ["openblas env", blasEnvironment.isEmpty ? "(none set)"
                : blasEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")],
            ["cairo", cairo],
            ["load average", loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")],
            ["energy", energy ?? "unknown"],
            ["cpu governor", governor ?? "none (no cpufreq)"],
            ["turbo", turbo ?? "unknown (no cpufreq)"],
            ["smt siblings", smtSiblings ?? "unknown"],
        ]
    }
}
