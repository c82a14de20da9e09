import Foundation
import Testing
@testable import Datasets

/// Each kind of damage a data file can have, written for real, must give
/// its own one-line error that names the file.
@Suite struct BadInputTests {
    let info = DatasetInfo.mnist

    private func loadTestSplit(_ dir: String) throws(DatasetError) -> LabeledImages {
        let loader = DatasetLoader(locator: DataLocator(explicitDirectory: dir, environment: [:]))
        let location = try loader.locator.locate(info)
        return try loader.loadSplit(.test, info: info, location: location, ledger: .init())
    }

    private func writeTestFiles(_ dir: String, images: [UInt8], labels: [UInt8]) {
        Fixtures.write(images, to: dir + "/t10k-images-idx3-ubyte")
        Fixtures.write(labels, to: dir + "/t10k-labels-idx1-ubyte")
    }

    @Test func truncatedImageFile() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        let full = Fixtures.idxImages(count: 10_000)
        writeTestFiles(dir, images: Array(full.prefix(5000)), labels: Fixtures.idxLabels([UInt8](repeating: 1, count: 10_000)))
        let path = dir + "/t10k-images-idx3-ubyte"
        #expect(throws: DatasetError.sizeMismatch(path: path, expected: full.count, found: 5000)) { try loadTestSplit(dir) }
        #expect(DatasetError.sizeMismatch(path: path, expected: full.count, found: 5000).description.contains("truncated"))
    }

    @Test func wrongMagicNumber() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        writeTestFiles(dir, images: Fixtures.idxImages(count: 10_000, magic: 0x801),
                       labels: Fixtures.idxLabels([UInt8](repeating: 1, count: 10_000)))
        #expect(throws: DatasetError.badMagic(path: dir + "/t10k-images-idx3-ubyte", expected: 0x803, found: 0x801)) {
            try loadTestSplit(dir)
        }
    }

    @Test func headerCountDisagreesWithFileSize() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        // The header claims 10,000 labels; the file holds 9,999.
        writeTestFiles(dir, images: Fixtures.idxImages(count: 10_000),
                       labels: Fixtures.idxLabels([UInt8](repeating: 1, count: 9_999), declaredCount: 10_000))
        #expect(throws: DatasetError.sizeMismatch(path: dir + "/t10k-labels-idx1-ubyte", expected: 10_008, found: 10_007)) {
            try loadTestSplit(dir)
        }
    }

    @Test func wrongImageDimensions() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        writeTestFiles(dir, images: Fixtures.idxImages(count: 10_000, rows: 32, cols: 24),
                       labels: Fixtures.idxLabels([UInt8](repeating: 1, count: 10_000)))
        #expect(throws: DatasetError.badDimensions(path: dir + "/t10k-images-idx3-ubyte", expected: "28x28", found: "32x24")) {
            try loadTestSplit(dir)
        }
    }

    @Test func labelOutsideRange() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        var labels = [UInt8](repeating: 3, count: 10_000)
        labels[4321] = 12
        writeTestFiles(dir, images: Fixtures.idxImages(count: 10_000), labels: Fixtures.idxLabels(labels))
        #expect(throws: DatasetError.labelOutOfRange(path: dir + "/t10k-labels-idx1-ubyte", record: 4321, value: 12)) {
            try loadTestSplit(dir)
        }
    }

    @Test func checksumMismatchOfWellFormedFile() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        writeTestFiles(dir, images: Fixtures.idxImages(count: 10_000), labels: Fixtures.idxLabels([UInt8](repeating: 1, count: 10_000)))
        do {
            _ = try loadTestSplit(dir)
            Issue.record("a file with the wrong content was accepted")
        } catch {
            guard case .checksumMismatch(let path, let expected, _) = error else {
                Issue.record("expected a checksum mismatch, got \(error)"); return
            }
            #expect(path == dir + "/t10k-images-idx3-ubyte")
            #expect(expected == info.files[2].sha256)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingFileInAnOtherwiseFilledFolder() throws {
        let dir = Fixtures.mnistFolderWithRealTrainFiles()
        Fixtures.write(Fixtures.idxImages(count: 10_000), to: dir + "/t10k-images-idx3-ubyte")
        #expect(throws: DatasetError.missingFile(path: dir + "/t10k-labels-idx1-ubyte[.gz]")) {
            try DatasetLoader(locator: DataLocator(explicitDirectory: dir, environment: [:])).load(.mnist)
        }
    }

    @Test func truncatedCIFARBatch() throws {
        let dir = Fixtures.temporaryDirectory()
        for file in DatasetInfo.cifar10.files {
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + file.name + ".gz",
                                                       withDestinationPath: Fixtures.dataRoot + "/cifar-10-batches-bin/" + file.name + ".gz")
        }
        try FileManager.default.removeItem(atPath: dir + "/test_batch.bin.gz")
        let records = 100
        Fixtures.write([UInt8](repeating: 0, count: records * 3073 + 17), to: dir + "/test_batch.bin")
        let loader = DatasetLoader(locator: DataLocator(explicitDirectory: dir, environment: [:]))
        let location = try loader.locator.locate(.cifar10)
        #expect(throws: DatasetError.sizeMismatch(path: dir + "/test_batch.bin", expected: 10_000 * 3073, found: records * 3073 + 17)) {
            try loader.loadSplit(.test, info: .cifar10, location: location, ledger: .init())
        }
    }

    @Test func cifarLabelOutsideRange() throws {
        let dir = Fixtures.temporaryDirectory()
        var bytes = [UInt8](repeating: 0, count: 10_000 * 3073)
        bytes[77 * 3073] = 10
        Fixtures.write(bytes, to: dir + "/test_batch.bin")
        #expect(throws: DatasetError.labelOutOfRange(path: dir + "/test_batch.bin", record: 77, value: 10)) {
            _ = try CIFAR.checkBatch(try DataFileReader.read(path: dir + "/test_batch.bin"), path: dir + "/test_batch.bin",
                                     expectedCount: 10_000, classes: 10)
        }
    }

    @Test func unknownDatasetName() {
        #expect(throws: DatasetError.unknownDataset("imagenet")) { try DatasetID(parsing: "imagenet") }
        #expect(DatasetError.unknownDataset("imagenet").description == "unknown data set 'imagenet' (expected one of: mnist, fashion-mnist, cifar10)")
    }

    @Test func absentDatasetSaysWhereItLookedAndHowToGetIt() {
        let dir = Fixtures.temporaryDirectory()
        let locator = DataLocator(explicitDirectory: nil, environment: ["FFBENCH_DATA": dir], workingDirectory: dir)
        do {
            _ = try locator.locate(.cifar10)
            Issue.record("found a data set in an empty folder")
        } catch {
            #expect(error.description.contains(dir + "/cifar-10-batches-bin"))
            #expect(error.description.contains("ffbench data fetch cifar10"))
        }
    }
}
