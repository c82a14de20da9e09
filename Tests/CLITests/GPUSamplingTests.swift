import Foundation
import RunStore
import Testing

/// GPU samples through a fake `nvidia-smi` on PATH that prints canned CSV
/// (two GPUs, an unreadable one, a line that is not CSV), lists the
/// recorded command's own process, and can fail or be missing.
@Suite(.serialized) struct GPUSamplingTests {
    /// A folder with the fake tool; `mode` "ok" answers, "fail" exits 9.
    static func fakeTool(_ mode: String) throws -> String {
        let dir = CLI.temporaryDirectory("gpu")
        try "0, 1000, 30\n1, 3000, 50\n2, [N/A], [N/A]\nnot a csv line\n".write(toFile: dir + "/devices.csv", atomically: true, encoding: .utf8)
        try """
        #!/bin/sh
        [ "\(mode)" = fail ] && exit 9
        case "$1" in
          --query-gpu=*) cat "\(dir)/devices.csv" ;;
          --query-compute-apps=*) echo "$(cat "\(dir)/pid" 2>/dev/null), 2048"; echo "1, 7000" ;;
          *) exit 9 ;;
        esac
        """.write(toFile: dir + "/nvidia-smi", atomically: true, encoding: .utf8)
        chmod(dir + "/nvidia-smi", 0o755)
        return dir
    }

    /// Records a 2.5 s command that writes its pid where the fake tool reads it and prints one epoch.
    static func record(_ db: String, path: String, pidFile: String, seed: Int) throws -> CLI.Result {
        let script = "echo $$ > \(pidFile); sleep 2.5; echo '{\"epoch\": 1, \"test_error\": 0.1, \"train_seconds\": 2.4, "
            + "\"cuda_max_allocated_bytes\": 1610612736, \"cuda_max_reserved_bytes\": 1879048192}'"
        return try CLI.run(["record", "--db", db, "--study", "gpu", "--arm", "torch-ff", "--algorithm", "ff", "--framework", "pytorch",
                            "--dataset", "mnist", "--layers", "2x32", "--batch-size", "100", "--epochs", "1", "--seed", String(seed),
                            "--", "/bin/sh", "-c", script], environment: ["PATH": path])
    }

    @Test func samplesFromSeveralGPUsReachTheSamplesTableAndTheReport() throws {
        let tool = try Self.fakeTool("ok")
        let db = CLI.temporaryDirectory() + "/gpu.sqlite"
        for seed in [1, 2] {
            let r = try Self.record(db, path: "\(tool):/usr/bin:/bin", pidFile: tool + "/pid", seed: seed)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let store = try RunStore.openExisting(db)
        for run in try store.runs() {
            func peak(_ metric: SampleMetric) throws -> Double? { try store.samples(run.id, metric: metric).map(\.value).max() }
            #expect(try peak("gpu_memory_bytes") == 2048 * 1_048_576) // its own process, not the other job's 7000 MiB
            #expect(try peak("gpu_device_memory_bytes") == 4000 * 1_048_576)
            #expect(try peak("gpu_utilization_percent") == 40)
            #expect(try peak("gpu_count") == 2)
            #expect(try store.samples(run.id, metric: "gpu_count").count >= 2) // once a second over 2.5 s
            let epoch = try #require(try store.epochs(run.id).first)
            #expect(epoch.cudaMaxAllocatedBytes == 1536 * 1_048_576 && epoch.cudaMaxReservedBytes == 1792 * 1_048_576)
        }
        let out = CLI.temporaryDirectory() + "/report"
        let r = try CLI.run(["report", "--db", db, "--out", out, "--format", "html"], directory: CLI.packageRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("GPU use on"))
        #expect(html.contains(">2048<") && html.contains(">4000<") && html.contains(">40<"), "GPU table figures missing")
        #expect(html.contains(">1536<") && html.contains(">1792<"), "PyTorch's allocator peaks missing from the GPU table")
        #expect(html.contains("with GPU memory from nvidia-smi"), "no GPU line in the memory timeline")
    }

    @Test(arguments: ["missing", "fail"])
    func withoutAWorkingNvidiaSmiThereAreNoGPUSamplesAndTheRunIsUnharmed(mode: String) throws {
        let path = mode == "missing" ? "/usr/bin:/bin" : "\(try Self.fakeTool("fail")):/usr/bin:/bin"
        let db = CLI.temporaryDirectory() + "/nogpu.sqlite"
        let r = try Self.record(db, path: path, pidFile: CLI.temporaryDirectory() + "/pid", seed: 1)
        #expect(r.status == 0, "\(r.stderr)")
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first)
        #expect(run.status == .completed)
        #expect(try store.samples(run.id).allSatisfy { !$0.metric.isGPU })
        #expect(try store.samples(run.id, metric: "rss_bytes").count > 20)
    }
}
