import Foundation
import Testing

@Suite struct DataCommandTests {
    @Test func verifyMnistReportsRecordAndClassCounts() throws {
        let r = try CLI.run(["data", "verify", "mnist"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("train 60000 records, class counts 5923 6742 5958 6131 5842 5421 5918 6265 5851 5949"))
        #expect(r.stdout.contains("test  10000 records, class counts 980 1135 1032 1010 982 892 958 1028 974 1009"))
    }

    @Test func listShowsWhereEachDatasetWasFound() throws {
        let empty = CLI.temporaryDirectory()
        let r = try CLI.run(["data", "list"], environment: ["FFBENCH_DATA": empty], directory: empty)
        #expect(r.status == 0)
        #expect(r.stdout.contains("mnist"))
        let cifarLine = r.stdout.split(separator: "\n").first { $0.hasPrefix("cifar10") } ?? ""
        #expect(cifarLine.contains("missing"))
        #expect(cifarLine.contains("ffbench data fetch cifar10"))
    }

    @Test func badFileGivesOneLineNamingItAndExitTwo() throws {
        let dir = CLI.temporaryDirectory()
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"] {
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + name, withDestinationPath: CLI.dataRoot + "/mnist/" + name)
        }
        // A label file whose header says 10,000 records but that holds 10.
        let header: [UInt8] = [0, 0, 8, 1, 0, 0, 0x27, 0x10]
        FileManager.default.createFile(atPath: dir + "/t10k-labels-idx1-ubyte", contents: Data(header + [UInt8](repeating: 1, count: 10)))
        let r = try CLI.run(["data", "verify", "mnist", "--data-dir", dir])
        #expect(r.status == 2)
        #expect(r.stderr == "ffbench: \(dir)/t10k-labels-idx1-ubyte: truncated: header implies 10008 bytes, file has 18\n")
    }

    @Test func unknownDatasetAndUnknownOptionAreUsageErrors() throws {
        let a = try CLI.run(["data", "verify", "imagenet"])
        #expect(a.status == 2)
        #expect(a.stderr.contains("imagenet"))
        #expect(a.stderr.split(separator: "\n").count == 1)
        let b = try CLI.run(["data", "list", "--frobnicate"])
        #expect(b.status == 2)
        #expect(b.stderr.contains("--frobnicate"))
        let c = try CLI.run(["nonsense"])
        #expect(c.status == 2)
    }

    @Test func helpExistsForEverySubcommand() throws {
        for args in [["--help"], ["data", "--help"], ["data", "list", "--help"], ["data", "verify", "--help"],
                     ["data", "fetch", "--help"], ["env", "--help"]] {
            let r = try CLI.run(args)
            #expect(r.status == 0, "\(args)")
            #expect(r.stdout.contains("USAGE"), "\(args)")
        }
    }

    @Test func envReportsMachineAsJSON() throws {
        let r = try CLI.run(["env", "--format", "json"])
        #expect(r.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((object?["cores"] as? Int) == ProcessInfo.processInfo.activeProcessorCount)
        #expect((object?["blas_config"] as? String)?.contains("OpenBLAS") == true)
        #expect((object?["memory_bytes"] as? UInt64) == ProcessInfo.processInfo.physicalMemory)
    }
}
