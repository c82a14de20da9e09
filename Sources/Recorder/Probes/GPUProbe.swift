import Foundation
import RunStore

/// GPU memory and utilisation through nvidia-smi, when it is on PATH.
/// Parsing is separate from running the tool, so it is tested on canned
/// output (several GPUs, "[N/A]" fields, lines that are not CSV).
public enum GPUProbe {
    public struct Device: Equatable, Sendable {
        public var index: Int
        public var memoryUsedMiB: Double?
        public var utilizationPercent: Double?

        public init(index: Int, memoryUsedMiB: Double?, utilizationPercent: Double?) {
            (self.index, self.memoryUsedMiB, self.utilizationPercent) = (index, memoryUsedMiB, utilizationPercent)
        }
    }

    /// `--query-gpu=index,memory.used,utilization.gpu --format=csv,noheader,nounits`:
    /// one device per line; a field nvidia-smi cannot read ("[N/A]",
    /// "[Not Supported]") is missing, a line that is not three fields is skipped.
    public static func parseDevices(_ text: String) -> [Device] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let f = fields(line)
            guard f.count == 3, let index = Int(f[0]) else { return nil }
            let memory = Double(f[1]).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            let utilization = Double(f[2]).flatMap { $0.isFinite && (0...100).contains($0) ? $0 : nil }
            guard memory != nil || utilization != nil else { return nil }
            return Device(index: index, memoryUsedMiB: memory, utilizationPercent: utilization)
        }
    }

    /// `--query-compute-apps=pid,used_memory --format=csv,noheader,nounits`:
    /// GPU memory by process (a process on two GPUs appears twice: summed).
    public static func parseApps(_ text: String) -> [Int32: Double] {
        var out: [Int32: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let f = fields(line)
            guard f.count == 2, let pid = Int32(f[0]), let m = Double(f[1]), m.isFinite, m >= 0 else { continue }
            out[pid, default: 0] += m
        }
        return out
    }

    /// `--query-gpu=index,total_energy_consumption --format=csv,noheader,nounits`:
    /// NVML's energy counter of each device in millijoules since the driver
    /// loaded, summed over the devices that report it; nil when none does.
    public static func parseEnergy(_ text: String) -> Double? {
        let values = text.split(whereSeparator: \.isNewline).compactMap { line -> Double? in
            let f = fields(line)
            guard f.count == 2, Int(f[0]) != nil, let mj = Double(f[1]), mj.isFinite, mj >= 0 else { return nil }
            return mj
        }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// Every device's energy counter now, in joules.
    public static func energyJoules(tool: String) -> Double? {
        run([tool, "--query-gpu=index,total_energy_consumption", "--format=csv,noheader,nounits"]).flatMap(parseEnergy).map { $0 / 1000 }
    }

    static func fields(_ line: Substring) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The sample rows: the recorded processes' own GPU memory (when the
    /// process list could be read), every device's used memory summed, and
    /// the mean utilisation over devices that report it.
    public static func metrics(devices: [Device], apps: [Int32: Double]?, pids: [Int32]) -> [(SampleMetric, Double)] {
        guard !devices.isEmpty else { return [] }
        let mib = 1_048_576.0
        var rows: [(SampleMetric, Double)] = [(.gpuCount, Double(devices.count))]
        if let apps { rows.append((.gpuMemory, pids.reduce(0) { $0 + (apps[$1] ?? 0) } * mib)) }
        let memory = devices.compactMap(\.memoryUsedMiB)
        if !memory.isEmpty { rows.append((.gpuDeviceMemory, memory.reduce(0, +) * mib)) }
        let utilization = devices.compactMap(\.utilizationPercent)
        if !utilization.isEmpty { rows.append((.gpuUtilization, utilization.reduce(0, +) / Double(utilization.count))) }
        return rows
    }

    /// nvidia-smi's path, when it is on PATH.
    public static func tool(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/nvidia-smi" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// One sample for the processes `pids`; nothing when the tool fails.
    public static func sample(tool: String, pids: [Int32]) -> [(SampleMetric, Double)] {
        guard let devices = run([tool, "--query-gpu=index,memory.used,utilization.gpu", "--format=csv,noheader,nounits"]) else { return [] }
        let apps = run([tool, "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]).map(parseApps)
        return metrics(devices: parseDevices(devices), apps: apps, pids: pids)
    }

    /// The tool's output, or nil when it cannot start, fails, or hangs (killed after 10 s).
    static func run(_ arguments: [String]) -> String? {
        guard let child = try? Subprocess(arguments, captureOutput: true, discardErrors: true) else { return nil }
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [child] in
            if finished.wait(timeout: .now() + 10) == .timedOut { child.signal(SIGKILL) }
        }
        let text = String(decoding: child.output!.readDataToEndOfFile(), as: UTF8.self)
        let status = child.wait()
        finished.signal()
        return status == 0 ? text : nil
    }
}
