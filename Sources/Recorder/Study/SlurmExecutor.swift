import Exports
import Foundation
import RunStore

/// A study on a Slurm cluster: its runs not done yet become one job array
/// (submitted with sbatch, never scheduled by ffbench); each task runs the
/// same child (`ffbench train`, or `ffbench record` for a command arm) the
/// local executor runs and writes its own
/// shard database (one writer per SQLite file); `collect` merges the
/// shards' finished runs into the study database.
public struct SlurmExecutor {
    public struct Resources: Sendable {
        public var partition: String?
        public var time: String?
        public var cpusPerTask: Int?
        public var memory: String?
        public var exclusive = false
        public var account: String?
        public var extra: [String] = []
        public init() {}
    }

    /// One array task: the run it trains.
    public struct Task: Codable, Sendable, Equatable {
        public var index: Int
        public var arm: String
        public var seed: UInt64
    }

    /// A submitted array, kept in the shard folder for `status`.
    public struct Submission: Codable, Sendable {
        public var jobID: String
        public var submittedAt: String
        public var tasks: [Task]
        enum CodingKeys: String, CodingKey {
            case tasks
            case jobID = "job_id"
            case submittedAt = "submitted_at"
        }
    }

    public let spec: StudySpec
    /// The study database (absolute) and the folder of its shards beside it.
    public let database: String
    public let shards: String
    public let executable: String
    public let dataDirectory: String?

    public init(spec: StudySpec, database: String, executable: String = Subprocess.currentExecutable, dataDirectory: String?) {
        self.spec = spec
        self.database = URL(fileURLWithPath: database).standardizedFileURL.path
        shards = URL(fileURLWithPath: self.database).deletingPathExtension().path + ".shards"
        self.executable = executable
        self.dataDirectory = dataDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    // MARK: - Which runs

    /// Every shard database of the study.
    public func shardFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
            .map { shards + "/" + $0 }
    }

    /// Runs of the study in its database and its shards.
    func storedRuns() throws -> [RunRecord] {
        var runs: [RunRecord] = []
        if FileManager.default.fileExists(atPath: database) { runs += try RunStore.openExisting(database).runs(study: spec.name) }
        for shard in shardFiles() { runs += try RunStore.openExisting(shard).runs(study: spec.name) }
        return runs
    }

    /// The planned runs to submit: not completed or diverged anywhere, and
    /// not pending or running in the queue.
    public func runsToSubmit() throws -> [PlannedRun] {
        let done = Set(try storedRuns().filter { $0.status == .completed || $0.status == .diverged }.map { Key(arm: $0.arm ?? "", seed: $0.seed ?? 0) })
        let queued = Set(queue().filter { $0.value == "PENDING" || $0.value == "RUNNING" || $0.value == "CONFIGURING" }.keys)
        return spec.plan.filter { !done.contains(Key($0)) && !queued.contains(Key($0)) }
    }

    struct Key: Hashable {
        var arm: String, seed: Int64
        init(arm: String, seed: Int64) { self.arm = arm; self.seed = seed }
        init(_ run: PlannedRun) { arm = run.arm; seed = Int64(bitPattern: run.seed) }
    }

    // MARK: - The batch script

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The job array for `runs`: resources as asked, BLAS threads from
    /// SLURM_CPUS_PER_TASK, one shard per task, the run's exit status.
    public func batchScript(_ runs: [PlannedRun], resources: Resources) throws -> String {
        var lines = ["#!/bin/bash", "# ffbench study \(spec.name): \(runs.count) run(s), written by ffbench study --executor slurm",
                     "#SBATCH --job-name=\(jobName)", "#SBATCH --array=0-\(runs.count - 1)",
                     "#SBATCH --output=\(shards)/slurm-%A_%a.out"]
        lines.append("#SBATCH --cpus-per-task=\(resources.cpusPerTask ?? 1)")
        if let t = resources.time { lines.append("#SBATCH --time=\(t)") }
        if let m = resources.memory { lines.append("#SBATCH --mem=\(m)") }
        if let p = resources.partition { lines.append("#SBATCH --partition=\(p)") }
        if let a = resources.account { lines.append("#SBATCH --account=\(a)") }
        if resources.exclusive { lines.append("#SBATCH --exclusive") }
        for e in resources.extra { lines.append("#SBATCH \(e)") }
        lines += ["set -u",
                  "# BLAS threads: the CPUs Slurm gave the task.",
                  "export OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
                  "cd \(Self.quoted(FileManager.default.currentDirectoryPath))"]
        lines += ["i=\"$SLURM_ARRAY_TASK_ID\"",
                  "shard=\(Self.quoted(shards))/\"${SLURM_ARRAY_JOB_ID}_${i}.sqlite\"",
                  "# Each task starts the same child run the local executor starts; its exit status is the task's.",
                  "case \"$i\" in"]
        let marker = "\u{0}shard"
        for (index, run) in runs.enumerated() {
            let args = [executable] + (try spec.childArguments(of: run, database: marker, dataDirectory: dataDirectory))
            lines.append("  \(index)) exec " + args.map { $0 == marker ? "\"$shard\"" : Self.quoted($0) }.joined(separator: " ") + " ;;")
        }
        lines += ["  *) echo \"ffbench: no run for array task $i\" >&2; exit 2 ;;", "esac"]
        return lines.joined(separator: "\n") + "\n"
    }

    public var jobName: String { "ffbench-\(spec.name)" }

    // MARK: - Submitting

    /// Submits `runs` as one array. Nothing is stored unless sbatch accepted it.
    public func submit(_ runs: [PlannedRun], resources: Resources) throws -> Submission {
        guard let sbatch = Self.tool("sbatch") else { throw SlurmError.noSbatch }
        do { try FileManager.default.createDirectory(atPath: shards, withIntermediateDirectories: true) } catch {
            throw SlurmError.unwritable(path: shards, reason: AtomicFile.describe(error))
        }
        guard access(shards, W_OK) == 0 else { throw SlurmError.unwritable(path: shards, reason: "permission denied") }
        let script = shards + "/\(spec.name)-\(Timestamp.now().filter { $0.isNumber }).sbatch"
        do { try AtomicFile.write(try batchScript(runs, resources: resources), to: script) } catch let e as AtomicFile.Failure {
            throw SlurmError.unwritable(path: script, reason: e.description)
        }
        let child = try Subprocess([sbatch, "--parsable", script], captureOutput: true, errorsToOutput: true)
        let output = String(decoding: child.output!.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let status = child.wait()
        guard status == 0, let id = output.split(separator: "\n").last?.split(separator: ";").first, Int(id) != nil else {
            throw SlurmError.rejected(output.split(separator: "\n").last.map(String.init) ?? "exit status \(status)")
        }
        let submission = Submission(jobID: String(id), submittedAt: Timestamp.now(),
                                    tasks: runs.enumerated().map { Task(index: $0.offset, arm: $0.element.arm, seed: $0.element.seed) })
        var all = submissions()
        all.append(submission)
        do { try AtomicFile.write(JSONOutput.line(all), to: shards + "/submissions.json") } catch {
            throw SlurmError.unwritable(path: shards + "/submissions.json", reason: error.description)
        }
        return submission
    }

    public func submissions() -> [Submission] {
        guard let data = FileManager.default.contents(atPath: shards + "/submissions.json") else { return [] }
        return (try? JSONDecoder().decode([Submission].self, from: data)) ?? []
    }

    static func tool(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: - Status

    /// Queue states of the study's array tasks (squeue, with sacct for
    /// those that left the queue, where accounting is configured), by run.
    func queue() -> [Key: String] {
        let subs = submissions()
        guard !subs.isEmpty else { return [:] }
        var byTask: [String: Key] = [:]
        for s in subs { for t in s.tasks { byTask["\(s.jobID)_\(t.index)"] = Key(arm: t.arm, seed: Int64(bitPattern: t.seed)) } }
        var states: [Key: String] = [:]
        func read(_ args: [String], separator: Character) {
            guard let tool = Self.tool(args[0]),
                  let child = try? Subprocess([tool] + args.dropFirst(), captureOutput: true, discardErrors: true) else { return }
            let text = String(decoding: child.output!.readDataToEndOfFile(), as: UTF8.self)
            guard child.wait() == 0 else { return }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count >= 2, let key = byTask[parts[0]], states[key] == nil { states[key] = parts[1].split(separator: " ").first.map(String.init) }
            }
        }
        let ids = subs.map(\.jobID).joined(separator: ",")
        read(["squeue", "-h", "-r", "--name=\(jobName)", "-o", "%i|%T"], separator: "|")
        read(["sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State"], separator: "|")
        return states
    }

    public struct RunState: Sendable {
        public var arm: String
        public var seed: UInt64
        /// pending, running, completed, failed, interrupted, diverged, or not submitted.
        public var state: String
        public var where_: String
    }

    /// Every planned run's state: the study database's final word first,
    /// then the shards', then the queue's.
    public func status() throws -> [RunState] {
        let queued = queue()
        var collected: [Key: RunRecord] = [:], sharded: [Key: (RunRecord, String)] = [:]
        if FileManager.default.fileExists(atPath: database) {
            for r in try RunStore.openExisting(database).runs(study: spec.name) { collected[Key(arm: r.arm ?? "", seed: r.seed ?? 0)] = r }
        }
        for shard in shardFiles() {
            // Writable where it can be, so a run whose task died is marked interrupted.
            let store = try (try? RunStore.openExisting(shard, writable: true)) ?? RunStore.openExisting(shard)
            for r in try store.runs(study: spec.name) {
                let k = Key(arm: r.arm ?? "", seed: r.seed ?? 0)
                if let old = sharded[k], old.0.startedAt > r.startedAt { continue }
                sharded[k] = (r, (shard as NSString).lastPathComponent)
            }
        }
        return spec.plan.map { run in
            let k = Key(run)
            if let r = collected[k], r.status == .completed || r.status == .diverged {
                return RunState(arm: run.arm, seed: run.seed, state: r.status.rawValue, where_: "collected")
            }
            if let q = queued[k], q == "PENDING" || q == "RUNNING" || q == "CONFIGURING" {
                return RunState(arm: run.arm, seed: run.seed, state: q == "PENDING" ? "pending" : "running", where_: sharded[k]?.1 ?? "queue")
            }
            if let (r, file) = sharded[k] {
                return RunState(arm: run.arm, seed: run.seed, state: r.status.rawValue, where_: file)
            }
            if let q = queued[k] {
                return RunState(arm: run.arm, seed: run.seed, state: q == "CANCELLED" ? "interrupted" : "failed", where_: "queue: \(q.lowercased())")
            }
            return RunState(arm: run.arm, seed: run.seed, state: "not submitted", where_: "–")
        }
    }

    // MARK: - Collecting

    /// Merges every shard's finished runs (completed or diverged) into the
    /// study database; runs still going or failed stay in their shards.
    /// Idempotent, and safe while tasks still run.
    public func collect() throws -> Int {
        let files = shardFiles()
        for shard in files {
            let others = Set(try RunStore.openExisting(shard).runs().compactMap(\.study)).subtracting([spec.name])
            if let other = others.first { throw SlurmError.foreignShard(path: shard, study: other, expected: spec.name) }
        }
        guard !files.isEmpty else { return 0 }
        return try RunStore.merge(files, into: database, statuses: [.completed, .diverged]).reduce(0) { $0 + $1.added }
    }
}

public enum SlurmError: Error, CustomStringConvertible, Equatable {
    case noSbatch
    case rejected(String)
    case unwritable(path: String, reason: String)
    case foreignShard(path: String, study: String, expected: String)

    public var description: String {
        switch self {
        case .noSbatch: "sbatch: not found on PATH (run on a machine with Slurm's client tools, e.g. a login node)"
        case .rejected(let message): "sbatch refused the job array: \(message)"
        case .unwritable(let path, let reason): "\(path): cannot write the shard folder (\(reason))"
        case .foreignShard(let path, let study, let expected): "\(path): a shard of study '\(study)', not of '\(expected)'"
        }
    }
}
