import Foundation
import RunStore
import Testing

/// Changes a database behind ffbench's back with Python's sqlite3, as a
/// damaged file, an older ffbench or a hand edit would leave it.
enum BehindTheBack {
    @discardableResult
    static func sql(_ db: String, _ script: String) throws -> String {
        let r = try CLI.run(["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            rows = c.execute(sys.argv[2]).fetchall() if sys.argv[2].lstrip().upper().startswith("SELECT") else c.executescript(sys.argv[2]) and []
            c.commit(); c.close()
            print("\\n".join("|".join(str(v) for v in r) for r in rows))
            """, db, script], executable: "/usr/bin/python3")
        guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Overwrites the header of a table's or index's root page with bytes no
    /// page has (the file is closed and its journal checkpointed first).
    static func damageRootPage(_ db: String, of name: String) throws {
        let found = try sql(db, "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = '\(name)'")
        let parts = found.split(separator: "|").compactMap { UInt64($0) }
        guard parts.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
        let handle = try #require(FileHandle(forUpdatingAtPath: db))
        try handle.seek(toOffset: (parts[0] - 1) * parts[1])
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 12))
        try handle.close()
    }

    /// A database of finished synthetic runs (FF and BP, 3 epochs each).
    static func synthetic(_ dir: String, runs: Int = 8, samples: Int = 50) throws -> String {
        let db = dir + "/runs.sqlite"
        try RunStore.open(db).fillSynthetic(runs: runs, epochs: 3, samplesPerRun: samples)
        return db
    }
}

/// `ffbench runs check`, and the checks `report`, `compare`, `train` and
/// `runs list` make before they read or add.
@Suite struct StoreCheckTests {
    @Test func aSoundDatabaseHasNoProblems() throws {
        let db = try BehindTheBack.synthetic(CLI.temporaryDirectory())
        let r = try CLI.run(["runs", "check", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "\(db): no problems in 8 runs and 24 epochs\n")
    }

    @Test func everyImpossibleValueIsOneLineNamingItsRun() throws {
        let db = try BehindTheBack.synthetic(CLI.temporaryDirectory())
        let ids = try BehindTheBack.sql(db, "SELECT id FROM runs ORDER BY started_at, id").split(separator: "\n").map(String.init)
        try BehindTheBack.sql(db, """
            UPDATE epochs SET train_seconds = -0.216 WHERE run_id = '\(ids[0])' AND epoch = 2;
            UPDATE epochs SET test_error = 1.3 WHERE run_id = '\(ids[1])' AND epoch = 1;
            -- Epoch 1 entered again after epoch 3: stored order is entry order.
            CREATE TEMP TABLE e AS SELECT * FROM epochs WHERE run_id = '\(ids[2])' AND epoch = 1;
            DELETE FROM epochs WHERE run_id = '\(ids[2])' AND epoch = 1;
            INSERT INTO epochs SELECT * FROM e;
            UPDATE runs SET finished_at = NULL WHERE id = '\(ids[3])';
            UPDATE runs SET status = 'running', finished_at = NULL, pid = 1,
                heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-62 minutes') WHERE id = '\(ids[4])';
            """)
        let r = try CLI.run(["runs", "check", "--db", db])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(r.stdout)")
        #expect(lines.contains("impossible: run \(ids[0]): epoch 2: train_seconds -0.216 is not above 0"), "\(r.stdout)")
        #expect(lines.contains("impossible: run \(ids[1]): epoch 1: test_error 1.3 is outside [0, 1]"), "\(r.stdout)")
        #expect(lines.contains("order: run \(ids[2]): epoch 1 was recorded after epoch 3"), "\(r.stdout)")
        #expect(lines.contains("status: run \(ids[3]): marked completed but has no finish time"), "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("stale: run \(ids[4]): marked running, but no heartbeat for 62 min (process 1 on ") }, "\(r.stdout)")

        // compare and report stop at the first, naming it, in one line, and write nothing.
        let compare = try CLI.run(["compare", "--db", db])
        #expect(compare.status != 0)
        #expect(compare.stdout.isEmpty)
        let refusal = compare.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
        #expect(refusal.count == 1 && refusal[0].contains("holds values that cannot be true") && refusal[0].contains("and 3 more problems")
                && refusal[0].contains("ffbench runs check --db \(db)"), "\(compare.stderr)")
        let out = CLI.temporaryDirectory() + "/report"
        let report = try CLI.run(["report", "--db", db, "--out", out])
        #expect(report.status != 0)
        #expect(report.stderr.contains("holds values that cannot be true"), "\(report.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/report.html"))
    }

    /// The case: every FF epoch stored as 0 s still got a time verdict.
    @Test func compareRefusesEpochsOfNoTime() throws {
        let db = try BehindTheBack.synthetic(CLI.temporaryDirectory())
        try BehindTheBack.sql(db, "UPDATE epochs SET train_seconds = 0 WHERE run_id IN (SELECT id FROM runs WHERE algorithm = 'ff')")
        let r = try CLI.run(["compare", "--db", db, "--format", "json"])
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.contains("train_seconds 0.0 is not above 0") && r.stderr.contains("and 11 more problems"), "\(r.stderr)")
    }

    /// A run marked running whose heartbeat stopped an hour ago while its
    /// process id lives (pid 1 always does): read as interrupted, and the
    /// reason is the silence, not a dead process.
    @Test func aSilentRunIsReadAsInterruptedWithItsReason() throws {
        let dir = CLI.temporaryDirectory()
        let db = try BehindTheBack.synthetic(dir)
        let id = try BehindTheBack.sql(db, "SELECT id FROM runs WHERE algorithm = 'ff' ORDER BY started_at, id LIMIT 1")
        try BehindTheBack.sql(db, """
            UPDATE runs SET status = 'running', finished_at = NULL, pid = 1, hostname = '\(ProcessInfo.processInfo.hostName)',
                heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-61 minutes') WHERE id = '\(id)'
            """)
        // A report reads without writing: it says how it counted the run.
        let report = try CLI.run(["report", "--db", db, "--out", dir + "/report", "--format", "html"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("note: \(db): stale: run \(id): marked running, but no heartbeat for 61 min (process 1 on"), "\(report.stderr)")
        let html = try String(contentsOfFile: dir + "/report/report.html", encoding: .utf8)
        #expect(html.contains("1 run(s) did not complete (1 interrupted) and are left out."))
        #expect(html.contains("interrupted: marked running, but no heartbeat for 61 min"))
        #expect(try BehindTheBack.sql(db, "SELECT status FROM runs WHERE id = '\(id)'") == "running")

        // A listing may write: the file then says interrupted, with the same reason.
        let list = try CLI.run(["runs", "list", "--db", db, "--format", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        let stored = try BehindTheBack.sql(db, "SELECT status, message FROM runs WHERE id = '\(id)'")
        #expect(stored.hasPrefix("interrupted|marked running, but no heartbeat for 61 min (process 1 on"), "\(stored)")
        #expect(!stored.contains("stopped without finishing"))
    }

    /// Damage SQLite's integrity check finds is refused on opening: no run is
    /// added to the file and nothing trains; a listing does not read it as whole.
    @Test(arguments: ["samples_by_run_metric_t", "epochs"])
    func aDamagedPageIsRefusedBeforeAnythingIsAddedOrRead(_ page: String) throws {
        let db = try BehindTheBack.synthetic(CLI.temporaryDirectory(), runs: 10, samples: 500)
        try BehindTheBack.damageRootPage(db, of: page)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))

        let list = try CLI.run(["runs", "list", "--db", db])
        #expect(list.status != 0)
        #expect(list.stderr.contains("\(db): the database is damaged") && list.stderr.split(separator: "\n").count == 1, "\(list.stderr)")

        let train = try CLI.run(["train", "--algorithm", "bp", "--layers", "2x32", "--epochs", "1", "--batch-size", "500",
                                 "--threads", "1", "--db", db], timeout: 120)
        #expect(train.status != 0)
        #expect(train.stderr.contains("the database is damaged"), "\(train.stderr)")
        #expect(!train.stdout.contains("epoch 1"), "trained before refusing: \(train.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)

        let check = try CLI.run(["runs", "check", "--db", db])
        #expect(check.status == 1)
        #expect(check.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("damaged: ") } && !check.stdout.isEmpty, "\(check.stdout)")
    }

    /// SQLite blames the file when it is the folder that cannot take the
    /// journal. Root writes anywhere, so the command runs as nobody.
    @Test func aReadOnlyFolderIsNamed() throws {
        let dir = CLI.temporaryDirectory()
        let db = try BehindTheBack.synthetic(dir)
        chmod(db, 0o666)
        chmod(dir, 0o555)
        defer { chmod(dir, 0o755) }
        let command = ["runs", "rm", "nosuchrun", "--db", db]
        let r = geteuid() == 0
            ? try CLI.run(["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary] + command, executable: "/usr/bin/setpriv")
            : try CLI.run(command)
        #expect(r.status != 0)
        #expect(r.stderr == "ffbench: \(db): its folder \(dir) is read-only, and SQLite must write its journal files (-wal, -shm) there; move the database or make the folder writable\n",
                "\(r.stderr)")
    }
}
