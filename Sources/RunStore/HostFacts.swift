import Foundation

/// What makes runs comparable across machines, stored with every run
/// (`runs.host_json`; docs/schema.md), read back typed through
/// `RunRecord.host`. The Recorder measures it (`ThisHost.facts`).
public struct HostFacts: Codable, Sendable, Equatable {
    public var hostname: String
    public var cpuModel: String
    public var cores: Int
    public var memoryBytes: UInt64
    public var os: String
    public var kernel: String
    public var swiftVersion: String
    public var blasConfig: String
    public var blasCore: String
    public var blasThreads: Int
    public var blasEnvironment: [String: String]
    public var ffbenchVersion: String
    public var gitCommit: String?
    public var loadAverage: [Double]
    /// Whether this machine can measure energy, and how (or why not).
    public var energy: String?
    /// Timing facts (docs/analysis.md, disturbance): the CPU frequency governor
    /// and turbo where cpufreq exists, and which cores share a physical core.
    /// Nil in runs stored before they were recorded.
    public var governor: String?
    public var turbo: String?
    public var smtSiblings: String?

    public init(hostname: String, cpuModel: String, cores: Int, memoryBytes: UInt64, os: String, kernel: String,
                swiftVersion: String, blasConfig: String, blasCore: String, blasThreads: Int,
                blasEnvironment: [String: String], ffbenchVersion: String, gitCommit: String?, loadAverage: [Double],
                energy: String?, governor: String?, turbo: String?, smtSiblings: String?) {
        (self.hostname, self.cpuModel, self.cores, self.memoryBytes) = (hostname, cpuModel, cores, memoryBytes)
        (self.os, self.kernel, self.swiftVersion) = (os, kernel, swiftVersion)
        (self.blasConfig, self.blasCore, self.blasThreads, self.blasEnvironment) = (blasConfig, blasCore, blasThreads, blasEnvironment)
        (self.ffbenchVersion, self.gitCommit, self.loadAverage, self.energy) = (ffbenchVersion, gitCommit, loadAverage, energy)
        (self.governor, self.turbo, self.smtSiblings) = (governor, turbo, smtSiblings)
    }

    enum CodingKeys: String, CodingKey {
        case hostname, cores, os, kernel, energy, governor, turbo
        case cpuModel = "cpu_model"
        case memoryBytes = "memory_bytes"
        case swiftVersion = "swift_version"
        case blasConfig = "blas_config"
        case blasCore = "blas_core"
        case blasThreads = "blas_threads"
        case blasEnvironment = "blas_environment"
        case ffbenchVersion = "ffbench_version"
        case gitCommit = "git_commit"
        case loadAverage = "load_average"
        case smtSiblings = "smt_siblings"
    }

    /// Reads what an older ffbench stored, too: a fact it did not record
    /// reads as "?" (text) or 0 (numbers), never as a failure that would
    /// lose the run's host from a report.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "?" }
        hostname = try text(.hostname)
        cpuModel = try text(.cpuModel)
        cores = try c.decodeIfPresent(Int.self, forKey: .cores) ?? 0
        memoryBytes = try c.decodeIfPresent(UInt64.self, forKey: .memoryBytes) ?? 0
        os = try text(.os)
        kernel = try text(.kernel)
        swiftVersion = try text(.swiftVersion)
        blasConfig = try c.decodeIfPresent(String.self, forKey: .blasConfig) ?? ""
        blasCore = try text(.blasCore)
        blasThreads = try c.decodeIfPresent(Int.self, forKey: .blasThreads) ?? 0
        blasEnvironment = try c.decodeIfPresent([String: String].self, forKey: .blasEnvironment) ?? [:]
        ffbenchVersion = try text(.ffbenchVersion)
        gitCommit = try c.decodeIfPresent(String.self, forKey: .gitCommit)
        loadAverage = try c.decodeIfPresent([Double].self, forKey: .loadAverage) ?? []
        energy = try c.decodeIfPresent(String.self, forKey: .energy)
        governor = try c.decodeIfPresent(String.self, forKey: .governor)
        turbo = try c.decodeIfPresent(String.self, forKey: .turbo)
        smtSiblings = try c.decodeIfPresent(String.self, forKey: .smtSiblings)
    }

    /// The machine in one line, as a report's environment section lists it.
    public var summary: String { "\(hostname): \(cpuModel), \(cores == 0 ? "?" : String(cores)) cores, \(blasConfig)" }
}

extension RunRecord {
    /// The run's stored host facts (nil when none were stored or they do not read).
    public var host: HostFacts? { hostJSON.flatMap { StoredJSON.decode(HostFacts.self, $0) } }
}

/// Decoding the JSON columns: only RunStore reads them.
enum StoredJSON {
    static func decode<T: Decodable>(_ type: T.Type, _ text: String, snakeCaseKeys: Bool = false) -> T? {
        let decoder = JSONDecoder()
        if snakeCaseKeys { decoder.keyDecodingStrategy = .convertFromSnakeCase }
        return text.data(using: .utf8).flatMap { try? decoder.decode(type, from: $0) }
    }
}
