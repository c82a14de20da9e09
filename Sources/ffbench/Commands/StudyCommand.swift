import Analysis
import Exports
import ArgumentParser
import Foundation
import Recorder
import RunStore
import Training

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study spec (Runs/*.yaml) here or on a Slurm cluster, see its state, collect its shards.",
        subcommands: [StudyRun.self, StudyStatus.self, StudyCollect.self],
        defaultSubcommand: StudyRun.self
    )
}

/// The spec, its database and the options every study command takes.
struct StudyTarget: ParsableArguments {
    @Argument(help: "The study specification (YAML).") var spec: String
    /// Default: Runs/<study>.sqlite.
    @OptionGroup var database: DatabaseOption
    @Option(help: "A run option for every run, over the spec's (repeatable), e.g. --set threads=1.") var set: [String] = []

    func load() throws -> (StudySpec, String) {
        var study = try StudySpec.load(path: spec)
        study.overrides = try set.map { s throws -> (name: String, value: String) in
            guard let eq = s.firstIndex(of: "="), RunOptions.named(String(s[..<eq])) != nil else {
                throw ValidationError("--set '\(s)': expected NAME=VALUE with a run option's name, e.g. threads=1")
            }
            return (String(s[..<eq]), String(s[s.index(after: eq)...]))
        }
        try study.validate()
        return (study, database.db ?? "Runs/\(study.name).sqlite")
    }
}

enum Executor: String, ExpressibleByArgument, CaseIterable { case local, slurm }

/// What a Slurm job array asks for.
struct SlurmFlags: ParsableArguments {
    @Option(help: "Slurm: partition.") var partition: String?
    @Option(help: "Slurm: time limit per task, HH:MM:SS.") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "Slurm: CPUs per task, which is also each run's BLAS threads (default 1).") var cpusPerTask: Int?
    @Option(help: "Slurm: memory per task, e.g. 4G.") var mem: String?
    @Flag(help: "Slurm: a whole node per task, so timings are not disturbed by other jobs (the setting for timing studies).") var exclusive = false
    @Option(help: "Slurm: account to charge.") var account: String?
    @Option(name: .customLong("sbatch-arg"), help: "Slurm: any other sbatch option, repeatable (e.g. --sbatch-arg=--qos=short).") var sbatchArgs: [String] = []
    @Flag(name: .customLong("dry-run"), help: "Slurm: print the batch script and submit nothing.") var dryRun = false

    var resources: SlurmExecutor.Resources {
        get throws {
            if let c = cpusPerTask, !(1...4096).contains(c) { throw ValidationError("--cpus-per-task \(c): expected 1 to 4096") }
            if let t = time, t.range(of: #"^(\d+-)?\d{1,3}(:\d{2}){0,2}$"#, options: .regularExpression) == nil {
                throw ValidationError("--time '\(t)': expected HH:MM:SS (or D-HH:MM:SS, or minutes)")
            }
            var r = SlurmExecutor.Resources()
            (r.partition, r.time, r.cpusPerTask, r.memory, r.exclusive, r.account, r.extra) = (partition, time, cpusPerTask, mem, exclusive, account, sbatchArgs)
            return r
        }
    }
}

struct StudyRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every arm x seed as its own process, interleaved and resumable, or submit them as one Slurm job array.",
        discussion: """
        The spec is checked completely before anything starts. Runs are stored in \
        --db, by default Runs/<study>.sqlite. Completed runs in the \
        database are skipped, so running the same study again resumes it; failed and \
        interrupted runs are redone. With --executor slurm the runs not done yet are \
        submitted as one job array; each task writes its own shard database beside the \
        study's (Runs/<study>.shards/), and 'ffbench study collect' merges them.

        Before it starts, a local study checks that the machine is quiet (as 'ffbench \
        env --check' does), warns when it is not, and stores the check with the study; \
        --require-quiet refuses to start instead. --retime reruns, as new runs, the \
        runs whose timings the machine disturbed; the old runs stay stored, superseded.

        Examples:
          ffbench study Runs/quickstart.yaml
          ffbench study Runs/quickstart.yaml --retime
          ffbench study Runs/mnist-hinton.yaml --executor slurm --cpus-per-task 2 \\
            --exclusive --time 04:00:00
        """
    )

    @OptionGroup var target: StudyTarget
    @Option(help: "Where the report goes (default Output/<study>).") var out: String?
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "local (one run after another here) or slurm (one job array).") var executor: Executor = .local
    @OptionGroup var slurm: SlurmFlags
    @OptionGroup var report: ReportOptions
    @Flag(name: .customLong("require-quiet"), help: "Refuse to start when the quiet check finds the machine busy.")
    var requireQuiet = false
    @Flag(help: "Rerun, as new runs, the runs whose timings were disturbed; the old runs stay stored, marked superseded.")
    var retime = false
    @Flag(help: "Start a study of more than \(StudySize.confirmAbove) runs.") var yes = false

    func run() throws {
        let (study, path) = try target.load()
        try study.checkCommands(dataDirectory: data.dataDirectory)
        _ = try report.formats()
        try checkReportFolder(out, study.name)
        if study.plan.count > StudySize.confirmAbove && !yes && !retime {
            let stored = FileManager.default.fileExists(atPath: path) ? (try? RunStore.openExisting(path).runs(study: study.name)) ?? [] : []
            throw ValidationError("\(study.name): \(study.plan.count) runs (\(study.arms.count) arms x \(study.seeds.count) seeds), \(StudySize.estimate(study, stored: stored)); a study of more than \(StudySize.confirmAbove) runs starts only with --yes")
        }
        let plan = AnalysisPlan(study.declared)
        for w in DesignCheck.warnings(seeds: study.seeds.count, plan: plan) { Console.error("warning: \(study.name): \(w)") }
        if executor == .slurm { return try submit(study, path) }
        let quiet = try checkQuiet(study.name)
        let store = try RunStore.open(path)
        let runner = StudyRunner(spec: study, store: store, dataDirectory: data.dataDirectory) { Console.status($0) }
        var declaration = study.declaration
        (declaration.canaryReferenceSeconds, declaration.quietJSON) = (quiet.canaryFastest.isFinite ? quiet.canaryFastest : nil, JSONOutput.line(quiet))
        try store.declare(declaration)
        let stop = StopSignals()
        stop.install()
        let summary: StudyRunner.Summary
        if retime {
            let disturbed = try StudyComparison.disturbedRuns(store: store, study: study.name)
            Console.status("\(study.name): \(disturbed.count) run(s) with disturbed timings to rerun into \(path)")
            summary = try runner.retime(disturbed, stop: stop)
        } else {
            Console.status("\(study.name): \(study.plan.count) runs (\(study.arms.count) arms x \(study.seeds.count) seeds, \(study.epochs) epochs) into \(path)")
            summary = try runner.run(stop: stop)
        }
        print("\(study.name): \(summary.completed) completed, \(summary.skipped) already done, \(summary.diverged) diverged, \(summary.failed) failed, \(summary.interrupted) interrupted; database \(path)")
        if stop.requested { throw ExitCode(stop.exitStatus) }
        try writeReport(store, study.name, report: report, out: out)
        if summary.failed > 0 { throw ExitCode(1) }
    }

    /// The quiet check before timing: warnings when the machine is busy, a refusal with --require-quiet.
    func checkQuiet(_ name: String) throws -> QuietCheck {
        let quiet = QuietCheck.run()
        Console.status("\(name): quiet check: \(quiet.summary)")
        for p in quiet.problems { Console.error("warning: \(name): the machine is not quiet: \(p)") }
        for c in quiet.cautions { Console.error("note: \(name): \(c)") }
        if requireQuiet && !quiet.isQuiet {
            throw ValidationError("--require-quiet: the machine is not quiet (\(quiet.problems.joined(separator: "; "))); nothing was started")
        }
        return quiet
    }

    func submit(_ study: StudySpec, _ path: String) throws {
        let slurmExecutor = SlurmExecutor(spec: study, database: path, dataDirectory: data.dataDirectory)
        let runs = try slurmExecutor.runsToSubmit()
        if slurm.dryRun {
            guard !runs.isEmpty else { Console.status("\(study.name): nothing to submit"); return }
            print(try slurmExecutor.batchScript(runs, resources: try slurm.resources), terminator: "")
            return
        }
        guard !runs.isEmpty else { print("\(study.name): every run is done or in the queue; nothing submitted"); return }
        let submission = try slurmExecutor.submit(runs, resources: try slurm.resources)
        // The plan is declared once the array is accepted: a refused submission changes nothing.
        try RunStore.open(path).declare(study.declaration)
        print("\(study.name): submitted job array \(submission.jobID) (\(runs.count) of \(study.plan.count) runs); shards in \(slurmExecutor.shards); see 'ffbench study status \(target.spec)'")
    }
}

/// Refuses, before any run, a report folder that cannot be one (the report is written after every run).
func checkReportFolder(_ out: String?, _ study: String) throws {
    let folder = out ?? "Output/\(study)"
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw ValidationError("--out \(folder): is a file, not a folder; nothing was started")
    }
}

func writeReport(_ store: RunStore, _ study: String, report: ReportOptions, out: String?) throws {
    let folder = out ?? "Output/\(study)"
    let files = try report.write(store: store, study: study, to: folder)
    let main = ["report.html", "report.pdf"].filter(files.contains).map { "\(folder)/\($0)" }
    print("report: " + (main.isEmpty ? folder : main.joined(separator: " and ")) + " (\(files.count) files)")
}

struct StudyStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each run of a study: pending, running, completed, failed, interrupted or not submitted, from the queue and the shards.",
        discussion: "Example:\n  ffbench study status Runs/mnist-hinton.yaml")

    @OptionGroup var target: StudyTarget

    func run() throws {
        let (study, path) = try target.load()
        let states = try SlurmExecutor(spec: study, database: path, dataDirectory: nil).status()
        print(TextTable(header: ["arm", "seed", "state", "where"], rows: states.map { [$0.arm, String($0.seed), $0.state, $0.where_] }).render())
        let counts = Dictionary(grouping: states, by: \.state).mapValues(\.count)
        print(counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ") + " (\(states.count) runs)")
    }
}

struct StudyCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Merge a Slurm study's shards into its database (finished runs only; safe to repeat while tasks run), then report when all are done.",
        discussion: "Example:\n  ffbench study collect Runs/mnist-hinton.yaml")

    @OptionGroup var target: StudyTarget
    @Option(help: "Where the report goes (default Output/<study>).") var out: String?
    @OptionGroup var report: ReportOptions

    func run() throws {
        let (study, path) = try target.load()
        let slurmExecutor = SlurmExecutor(spec: study, database: path, dataDirectory: nil)
        let added = try slurmExecutor.collect()
        let states = try slurmExecutor.status()
        let done = states.filter { $0.state == "completed" || $0.state == "diverged" }.count
        print("\(study.name): \(added) run(s) collected into \(path); \(done) of \(states.count) done")
        if done == states.count { try writeReport(try RunStore.open(path), study.name, report: report, out: out) }
    }
}
