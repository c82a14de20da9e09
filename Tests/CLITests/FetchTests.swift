import Foundation
import Testing

/// `ffbench data fetch` against a real HTTP server on 127.0.0.1 serving
/// fixture files: the real data set files, and damaged copies.
@Suite(.serialized) struct FetchTests {
    private func mirrorOfRealMNIST() throws -> String {
        let dir = CLI.temporaryDirectory("mirror")
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            try FileManager.default.copyItem(atPath: CLI.dataRoot + "/mnist/\(name).gz", toPath: dir + "/\(name).gz")
        }
        return dir
    }

    private func leftovers(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".ffbench-fetch") }
    }

    @Test func fetchesVerifiesAndPlacesMNIST() throws {
        let server = try LocalHTTPServer(serving: try mirrorOfRealMNIST())
        let root = CLI.temporaryDirectory()
        let r = try CLI.run(["data", "fetch", "mnist", "--to", root, "--mirror", server.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("fetched and verified"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/mnist").count == 4)
        #expect(leftovers(root).isEmpty)
        let v = try CLI.run(["data", "verify", "mnist", "--data-dir", root])
        #expect(v.status == 0)
    }

    @Test func corruptedFileIsRejectedAndNothingIsLeftBehind() throws {
        let mirror = try mirrorOfRealMNIST()
        // Same structure, two labels swapped: only the SHA-256 can tell.
        let path = mirror + "/t10k-labels-idx1-ubyte"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-d", path + ".gz"]
        try p.run(); p.waitUntilExit()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.swapAt(8, 9)
        #expect(bytes[8] != bytes[9])
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let z = Process()
        z.executableURL = URL(fileURLWithPath: "/bin/gzip")
        z.arguments = ["-n", path]
        try z.run(); z.waitUntilExit()

        let server = try LocalHTTPServer(serving: mirror)
        let root = CLI.temporaryDirectory()
        let r = try CLI.run(["data", "fetch", "mnist", "--to", root, "--mirror", server.url])
        #expect(r.status == 2)
        #expect(r.stderr.contains("t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"))
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("ffbench:") }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: root + "/mnist"))
        #expect(leftovers(root).isEmpty)
    }

    @Test func missingFileOnMirrorIsADownloadFailure() throws {
        let mirror = try mirrorOfRealMNIST()
        try FileManager.default.removeItem(atPath: mirror + "/t10k-images-idx3-ubyte.gz")
        let server = try LocalHTTPServer(serving: mirror)
        let root = CLI.temporaryDirectory()
        let r = try CLI.run(["data", "fetch", "mnist", "--to", root, "--mirror", server.url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("t10k-images-idx3-ubyte.gz: download failed: HTTP status 404"))
        #expect(!FileManager.default.fileExists(atPath: root + "/mnist"))
        #expect(leftovers(root).isEmpty)
    }

    /// CIFAR-10 is published as one tarball; build one from the real batches
    /// (and one with a truncated batch) with Python's tarfile.
    @Test func fetchesCIFARFromTarballAndRejectsATruncatedBatch() throws {
        let good = CLI.temporaryDirectory("good"), bad = CLI.temporaryDirectory("bad")
        let script = """
        import gzip, io, sys, tarfile
        src, out, truncate = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
        with tarfile.open(out + "/cifar-10-binary.tar.gz", "w:gz", compresslevel=1) as tar:
            for n in names:
                data = gzip.open(f"{src}/{n}.gz").read()
                if truncate and n == "data_batch_3.bin":
                    data = data[:-3073]
                info = tarfile.TarInfo("cifar-10-batches-bin/" + n)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        """
        for (dir, flag) in [(good, "0"), (bad, "1")] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", script, CLI.dataRoot + "/cifar-10-batches-bin", dir, flag]
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }

        let badServer = try LocalHTTPServer(serving: bad)
        let badRoot = CLI.temporaryDirectory()
        let rejected = try CLI.run(["data", "fetch", "cifar10", "--to", badRoot, "--mirror", badServer.url])
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("data_batch_3.bin: truncated"))
        #expect(!FileManager.default.fileExists(atPath: badRoot + "/cifar-10-batches-bin"))
        #expect(leftovers(badRoot).isEmpty)

        let goodServer = try LocalHTTPServer(serving: good)
        let root = CLI.temporaryDirectory()
        let r = try CLI.run(["data", "fetch", "cifar10", "--to", root, "--mirror", goodServer.url])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try CLI.run(["data", "verify", "cifar10", "--data-dir", root])
        #expect(v.status == 0)
        #expect(v.stdout.contains("train 50000 records"))
    }
}
