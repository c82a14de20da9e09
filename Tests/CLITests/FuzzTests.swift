import Foundation
import Recorder
import RunStore
import Tensor
import Testing
import Training

/// Seeded fuzzing of everything a user types or feeds in: option values,
/// study specs, CSV files and epoch lines. Whatever comes in, ffbench
/// answers with exit 0, 1 or 2, one line on stderr when it refuses, no
/// runtime trap, no hang, and no row in any database for rejected input.
/// Cases are judged against the library's own parsers (what they refuse,
/// the command line must refuse the same way) and time-boxed.
@Suite(.serialized) struct FuzzTests {

    static let nasty = ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "-1", "0", "-0", "abc", "9223372036854775807",
                        "-9223372036854775808", "18446744073709551616", "1.5.3", "0x10", "1e-400", "😀", "2x", "x2", "0x0", "65x10",
                        "4x2000000", "784-", "-784", "1,5", "[1]", "{a: 1}", "\"quoted\"", "yes please", "\\", "../../etc", "1" + String(repeating: "0", count: 40)]

    /// A trap or a kill by the time limit: Foundation's Process reports a
    /// signal by its number (SIGILL 4, SIGTRAP 5, SIGABRT 6, SIGKILL 9, SIGSEGV 11),
    /// a shell by 128 + it.
    static func crashed(_ status: Int32) -> Bool { [4, 5, 6, 9, 11, 132, 133, 134, 137, 139].contains(status) }

    static func checkRefusal(_ r: CLI.Result, _ what: String, into counts: inout [String: Int]) {
        #expect(!crashed(r.status), "\(what): status \(r.status) \(r.stderr.suffix(300))")
        #expect(r.status == 1 || r.status == 2, "\(what): status \(r.status)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(what): \(lines.count) lines on stderr: \(r.stderr.prefix(300))")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("NSCocoaErrorDomain"), "\(what): \(r.stderr)")
        counts["status \(r.status)", default: 0] += 1
    }

    @Test func malformedInputNeverTrapsHangsOrStores() throws {
        var rng = RNG(seed: 20_261_201)
        let dir = CLI.temporaryDirectory()
        var counts: [String: Int] = [:]

        // 1. Option values of `train`, refused before anything is stored.
        let names = RunOptions.all.map(\.name) + ["frobnicate", "epoch", "--", "seeds"]
        var options = 0
        while options < 120 {
            let name = rng.pick(names), value = rng.pick(Self.nasty)
            let args = ["--epochs", "1", "--\(name)", value]
            let accepted = (try? RunSpec.resolve(RunOptions.parse(arguments: args))) != nil
            if accepted { continue } // a valid run would train; the fuzz is for refusals
            let db = dir + "/train-\(options).sqlite"
            let r = try CLI.run(["train"] + args + ["--db", db], timeout: 30)
            Self.checkRefusal(r, "train \(args)", into: &counts)
            #expect(!FileManager.default.fileExists(atPath: db), "train \(args) created \(db)")
            options += 1
        }
        counts["option values"] = options

        // 2. Study specs, mutated from a valid one.
        let valid = ["study: fuzz", "dataset: mnist", "epochs: 1", "seeds: [1, 2]", "options: {layers: 2x32, batch-size: 500}",
                     "grid: {lr: [0.01, 0.02]}", "arms:", "  ff: {algorithm: ff}", "  bp: {algorithm: bp}"]
        var specs = 0
        while specs < 120 {
            var lines = valid
            for _ in 0..<(1 + Int(rng.next() % 3)) where !lines.isEmpty {
                let i = Int(rng.next() % UInt64(lines.count))
                switch rng.next() % 6 {
                case 0: lines.remove(at: i)
                case 1: lines[i] = lines[i].replacingOccurrences(of: rng.pick(["1", "2", "mnist", "ff", "2x32", "500", "0.01", "fuzz"]), with: rng.pick(Self.nasty))
                case 2: lines.insert(rng.pick(["colour: red", "  cnn: {algorithm: cnn}", "seeds: -1", "epochs: 9223372036854775807",
                                               "baseline: nope", "target-error: 2", "pilot-cv: -1", "\t- tab", "grid: 5", "arms: []",
                                               "sample-interval: forever", "  ff: {algorithm: ff, seed: 3}", "study: ..",
                                               "grid: {epochs: [1, 2], layers: [a, b]}"]), at: i)
                case 3: lines[i] = String(lines[i].shuffled())
                case 4: lines[i] += rng.pick([":", " {", " [", " &a", " *b", "\u{0}"])
                default: lines = Array(lines.prefix(i))
                }
            }
            let text = lines.joined(separator: "\n") + "\n"
            let path = dir + "/spec-\(specs).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let parsed = try? StudySpec.load(path: path)
            if let parsed, (try? parsed.validate()) != nil { continue } // a valid study would train
            let db = dir + "/study-\(specs).sqlite"
            let r = try CLI.run(["study", path, "--db", db, "--out", dir + "/never", "--format", "html"], timeout: 30)
            Self.checkRefusal(r, "study spec:\n\(text)", into: &counts)
            #expect(!FileManager.default.fileExists(atPath: db), "a refused spec created \(db):\n\(text)")
            specs += 1
        }
        counts["study specs"] = specs

        // 3. CSV files for `stats`: any outcome but a trap; refusals in one line.
        var csvs = 0
        for k in 0..<80 {
            var rows = ["group,seed,value"]
            for i in 0..<(Int(rng.next() % 12)) {
                let g = rng.pick(["a", "b", "a", "b", "c", "\"a\"", "\"b,\"", ""])
                let v = rng.chance(0.7) ? String(Double(rng.next() % 1000) / 10 + 0.1) : rng.pick(Self.nasty + ["1e155", "-1e155", "1e308"])
                rows.append("\(g),\(i % 4),\(v)")
            }
            if rng.chance(0.2) { rows.append(rng.pick(["\"unterminated", ",,,,", "a,b", "\u{FEFF}x"])) }
            let path = dir + "/data-\(k).csv"
            try rows.joined(separator: rng.chance(0.3) ? "\r\n" : "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let args = rng.pick([["stats", "compare", path, "--group", "group", "--value", "value"],
                                 ["stats", "compare", path, "--group", "group", "--value", "value", "--paired-by", "seed"],
                                 ["stats", "compare", path, "--group", "group", "--value", "value", "--estimand", "difference"],
                                 ["stats", "describe", path, "--value", "value", "--group", "group"]])
            let r = try CLI.run(args, timeout: 30)
            #expect(!Self.crashed(r.status), "\(args) on \(rows): status \(r.status) \(r.stderr)")
            if r.status != 0 { Self.checkRefusal(r, "\(args) on \(rows)", into: &counts) } else { counts["csv accepted", default: 0] += 1 }
            csvs += 1
        }
        counts["csv files"] = csvs

        // 4. Epoch lines from a recorded command: sound ones stored, the rest refused with a warning line each.
        var lines: [String] = []
        for _ in 0..<60 {
            let fields = [("epoch", rng.pick(["1", "0", "-5", "1.5", "\"2\"", "NaN", "9999999999999999999", "3"])),
                          ("test_error", rng.pick(["0.1", "-3.5", "1.5", "NaN", "Infinity", "null", "\"x\"", "0.02"])),
                          ("train_seconds", rng.pick(["1", "-1", "1e400", "-Infinity", "0.5"])),
                          ("peak_rss_bytes", rng.pick(["1000", "1e19", "-1", "1.5", "2000"]))]
            var object = "{" + fields.filter { _ in rng.chance(0.8) }.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
            if !object.contains("epoch") { object = object.replacingOccurrences(of: "{", with: "{\"epoch\": 4, ") }
            if rng.chance(0.1) { object = String(object.dropLast()) }
            lines.append(object)
        }
        // What the recorder must do: sound lines stored while epochs increase; a repeated or earlier epoch refused.
        var stored = Set<Int>(), refused = 0, warned = 0, outOfOrder = 0, last = 0
        for line in lines {
            switch EpochLineReader.read(line) {
            case .epoch(let e, let w) where e.epoch > last:
                (last, warned) = (e.epoch, warned + (w.isEmpty ? 0 : 1))
                stored.insert(e.epoch)
            case .epoch: (refused, outOfOrder) = (refused + 1, outOfOrder + 1)
            case .refused: refused += 1
            case .other: break
            }
        }
        let script = dir + "/lines.py"
        try ("import sys\nfor line in open(sys.argv[1]):\n    print(line.rstrip('\\n'), flush=True)\n").write(toFile: script, atomically: true, encoding: .utf8)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/lines.txt", atomically: true, encoding: .utf8)
        let db = dir + "/record.sqlite"
        let r = try CLI.run(["record", "--db", db, "--", "python3", script, dir + "/lines.txt"], timeout: 60)
        #expect(r.status == 0 && !Self.crashed(r.status), "\(r.stderr)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(warnings.count == refused + warned, "\(warnings.count) warnings for \(refused) refused and \(warned) repaired lines")
        let store = try RunStore.openExisting(db)
        let epochs = try store.epochs(try #require(try store.runs().first).id)
        #expect(Set(epochs.map(\.epoch)) == stored, "stored \(epochs.map(\.epoch)) expected \(stored.sorted())")
        counts["epoch lines"] = lines.count
        counts["epoch lines refused"] = refused
        counts["epoch lines repeated or out of order"] = outOfOrder
        counts["epoch lines with NaN kept as missing"] = warned
        counts.merge(try Self.storedDatabases(&rng, dir), uniquingKeysWith: +)
        counts.merge(try Self.studiesRefusedBeforeRunning(&rng, dir), uniquingKeysWith: +)
        print("fuzz counts: \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    }
}

extension FuzzTests {
    /// 5. Databases changed behind ffbench's back: impossible values, runs
    /// left running, bytes overwritten anywhere in the file. `runs check`
    /// names what is wrong; `compare` and `runs list` read only a sound file
    /// (stale runs are read as interrupted) and refuse the rest in one line;
    /// `train --db` adds nothing to a damaged one.
    static func storedDatabases(_ rng: inout RNG, _ dir: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let edits = ["UPDATE epochs SET train_seconds = -0.5 WHERE rowid = 3", "UPDATE epochs SET train_seconds = 0",
                     "UPDATE epochs SET eval_seconds = -1 WHERE epoch = 2", "UPDATE epochs SET test_error = 1.5 WHERE rowid = 5",
                     "UPDATE epochs SET train_error = -0.1 WHERE rowid = 2", "UPDATE epochs SET epoch = 0 WHERE rowid = 1",
                     "UPDATE epochs SET epoch = epoch + 100 WHERE rowid = 1", "UPDATE epochs SET peak_rss_bytes = -4096",
                     "UPDATE runs SET status = 'running', heartbeat_at = '2026-01-01T00:00:00.000Z' WHERE rowid = 2",
                     "UPDATE runs SET finished_at = NULL WHERE rowid = 4"]
        for k in 0..<40 {
            let case_ = dir + "/stored-\(k)"
            try FileManager.default.createDirectory(atPath: case_, withIntermediateDirectories: true)
            let db = try BehindTheBack.synthetic(case_, runs: 6, samples: 200)
            var what: String
            if rng.chance(0.5) {
                let edit = rng.pick(edits)
                try BehindTheBack.sql(db, edit)
                what = edit
            } else {
                let size = try #require(try FileManager.default.attributesOfItem(atPath: db)[.size] as? UInt64)
                let offset = UInt64(rng.int(below: Int(size - 64)))
                let handle = try #require(FileHandle(forUpdatingAtPath: db))
                try handle.seek(toOffset: offset)
                try handle.write(contentsOf: Data((0..<(1 + rng.int(below: 64))).map { _ in UInt8(rng.int(below: 256)) }))
                try handle.close()
                what = "bytes at \(offset)"
                counts["damaged files"] = (counts["damaged files"] ?? 0) + 1
            }
            let check = try CLI.run(["runs", "check", "--db", db], timeout: 30)
            #expect(!crashed(check.status), "runs check, \(what): \(check.stderr)")
            // Status 2: the file cannot even be opened as a run database (its header or schema is hit).
            #expect([0, 1, 2].contains(check.status), "runs check, \(what): status \(check.status)")
            let problems = check.stdout.split(separator: "\n").map(String.init)
            let sound = check.status == 0 || (check.status == 1 && problems.allSatisfy { $0.hasPrefix("stale: ") })
            counts[sound ? "stored files read" : "stored files refused", default: 0] += 1
            for args in [["compare", "--db", db, "--format", "json"], ["runs", "list", "--db", db]] {
                let r = try CLI.run(args, timeout: 30)
                if sound {
                    #expect(r.status == 0, "\(args), \(what): \(r.stderr)")
                } else if problems.contains(where: { $0.hasPrefix("damaged: ") }) || check.status == 2 {
                    checkRefusal(r, "\(args), \(what)", into: &counts)
                } else if args[0] == "compare" {
                    checkRefusal(r, "\(args), \(what)", into: &counts)
                } else {
                    #expect(r.status == 0, "runs list shows a file with impossible values, \(what): \(r.stderr)")
                }
            }
            if !sound && (check.status == 2 || problems.contains { $0.hasPrefix("damaged: ") }) {
                let before = try Data(contentsOf: URL(fileURLWithPath: db))
                let r = try CLI.run(["train", "--algorithm", "bp", "--layers", "2x16", "--epochs", "1", "--batch-size", "1000",
                                     "--threads", "1", "--db", db], timeout: 60)
                checkRefusal(r, "train --db, \(what)", into: &counts)
                #expect(!r.stdout.contains("epoch 1"), "trained into a damaged file, \(what)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "train --db changed a damaged file, \(what)")
            }
        }
        counts["stored files"] = 40
        return counts
    }

    /// 6 and 7. Studies refused before any run starts: a command arm whose
    /// program does not exist, and more runs than start without `--yes`.
    static func studiesRefusedBeforeRunning(_ rng: inout RNG, _ dir: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let notExecutable = dir + "/notes.txt"
        try "not a program\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        chmod(notExecutable, 0o644)
        for k in 0..<20 {
            let program = rng.pick(["/no/such/program", "./missing.sh", "not-a-command-\(k)", "/etc", notExecutable])
            let spec = "study: missing\ndataset: mnist\nepochs: 1\nseeds: [1, 2]\narms:\n  bp: {algorithm: bp, layers: 2x16}\n"
                + "  ext:\n    algorithm: ff\n    command: [\"\(program)\", x.py]\n"
            let path = dir + "/missing-\(k).yaml", db = dir + "/missing-\(k).sqlite"
            try spec.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", path, "--db", db], timeout: 30)
            checkRefusal(r, "study with command \(program)", into: &counts)
            #expect(r.stderr.contains("arms.ext.command: ") && r.stderr.contains(program), "\(program): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))
        }
        counts["missing programs"] = 20
        for k in 0..<20 {
            let arms = 1 + rng.int(below: 60), seeds = 1001 / arms + 1 + rng.int(below: 300)
            let spec = "study: big\ndataset: mnist\nepochs: 1\nseeds: 1-\(seeds)\noptions: {layers: 2x8}\narms:\n"
                + (1...arms).map { "  a\($0): {algorithm: bp}\n" }.joined()
            let path = dir + "/big-\(k).yaml", db = dir + "/big-\(k).sqlite"
            try spec.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", path, "--db", db], timeout: 30)
            checkRefusal(r, "study of \(arms * seeds) runs", into: &counts)
            #expect(r.stderr.contains("\(arms * seeds) runs (\(arms) arms x \(seeds) seeds)") && r.stderr.contains("--yes"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))
        }
        counts["oversized studies"] = 20
        return counts
    }
}

extension RNG {
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(below: xs.count)] }
    mutating func chance(_ p: Double) -> Bool { uniform() < p }
}
