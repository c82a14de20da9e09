import Foundation

extension StudySpec {
    /// The ffbench arguments (after the executable) that run one planned run
    /// into `database`: `train` for ffbench's own arms, `record --substitute`
    /// for command arms. The local and Slurm executors start the same child.
    public func childArguments(of run: PlannedRun, database: String, dataDirectory: String?) throws(StudyError) -> [String] {
        let resolved = try spec(of: run)
        let data = dataDirectory.map { ["--data-dir", $0] } ?? []
        let common = ["--db", database, "--study", name, "--arm", run.arm, "--format", "json", "--sample-interval", sampleInterval] + data
        guard let command = run.command else {
            return ["train", "--spec-json", resolved.json] + common
        }
        let described = try externalRun(of: run, dataDirectory: nil).describingArguments
        return ["record"] + common + described + ["--substitute", "--"] + command
    }

    /// A command arm's run as `ffbench record --substitute` describes it.
    func externalRun(of run: PlannedRun, dataDirectory: String?) throws(StudyError) -> ExternalRun {
        let resolved = try spec(of: run)
        let c = resolved.config
        var e = ExternalRun(command: run.command ?? [], sampleInterval: RecordingOptions.parseInterval(sampleInterval) ?? 0.02)
        (e.study, e.arm, e.algorithm, e.framework) = (name, run.arm, c.algorithm.rawValue, run.framework)
        (e.dataset, e.layers, e.batchSize, e.seed, e.epochs, e.threads) = (resolved.dataset.rawValue, c.layers, c.batchSize, Int64(bitPattern: c.seed), c.epochs, c.threads)
        (e.substitute, e.dataDirectory) = (true, dataDirectory)
        return e
    }

    /// Command arms' commands expand here (variables set, data found) before any run starts.
    /// The program a command's first word names: a path to an executable file, or a name found on PATH.
    static func executable(_ program: String, path: String = ProcessInfo.processInfo.environment["PATH"] ?? "") -> String? {
        if program.contains("/") { return runnable(program) ? program : nil }
        return path.split(separator: ":").map { "\($0)/\(program)" }.first(where: runnable)
    }

    /// A regular file someone may execute. (A folder has execute bits too,
    /// and root passes every access check, even for a file with no execute bit.)
    private static func runnable(_ file: String) -> Bool {
        var st = stat()
        return stat(file, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && (st.st_mode & 0o111) != 0 && access(file, X_OK) == 0
    }

    public func checkCommands(dataDirectory: String?) throws(StudyError) {
        for arm in arms where arm.command != nil {
            guard let run = plan.first(where: { $0.arm == arm.name }) else { continue }
            let words: [String]
            do { words = try externalRun(of: run, dataDirectory: dataDirectory).expandedCommand() } catch let e as StudyError {
                throw e
            } catch {
                throw .spec(path: path, key: "arms.\(arm.name).command", message: "\(error)")
            }
            if let program = words.first, Self.executable(program) == nil {
                throw .spec(path: path, key: "arms.\(arm.name).command", message: "\(program): no such program (not an executable file, nor on PATH)")
            }
        }
    }
}
