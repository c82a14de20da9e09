import Foundation
import Testing
import Tensor
@testable import Datasets

@Suite struct LoadingTests {
    @Test func mnistLoadsWithPublishedCountsAndScaledPixels() throws {
        let ledger = Ledger()
        let loader = DatasetLoader(locator: DataLocator(environment: ["FFBENCH_DATA": Fixtures.dataRoot]))
        let data = try loader.load(.mnist, ledger: ledger)
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        #expect(data.train.inputSize == 784)
        #expect(data.train.classCounts() == DatasetInfo.mnist.trainClassCounts)
        #expect(data.test.classCounts() == DatasetInfo.mnist.testClassCounts)
        #expect(data.location.source == "FFBENCH_DATA")
        let pixels = data.train.images.scaledValues
        #expect(pixels.min() == 0 && pixels.max() == 1)
        // Data is held once, as the files' bytes: exactly the two image matrices, one byte a pixel.
        #expect(ledger.liveBytes(.dataset) == (60_000 + 10_000) * 784)
    }

    @Test func resolutionOrderPrefersExplicitThenEnvironmentThenWorkingDirectory() throws {
        let work = Fixtures.temporaryDirectory()
        let env = Fixtures.temporaryDirectory()
        let locator = DataLocator(explicitDirectory: nil, environment: ["FFBENCH_DATA": env], workingDirectory: work)
        #expect(locator.candidates(for: .mnist).map(\.source) == ["FFBENCH_DATA", "./Data"])
        #expect(locator.candidates(for: .fashionMNIST).map(\.source) == ["FFBENCH_DATA", "./Data", "system"])
        let explicit = DataLocator(explicitDirectory: "/x", environment: ["FFBENCH_DATA": env], workingDirectory: work)
        #expect(explicit.candidates(for: .mnist).map(\.directory) == ["/x/mnist", "/x"])

        // A copy under ./Data is found when FFBENCH_DATA has none.
        let folder = work + "/Data/mnist"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in DatasetInfo.mnist.files {
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + file.name + ".gz",
                                                       withDestinationPath: Fixtures.dataRoot + "/mnist/" + file.name + ".gz")
        }
        #expect(try locator.locate(.mnist).source == "./Data")
    }

    @Test func validationSplitIsSeededAndDisjoint() throws {
        let loader = DatasetLoader(locator: DataLocator(environment: ["FFBENCH_DATA": Fixtures.dataRoot]))
        let data = try loader.load(.mnist, ledger: Ledger())
        let a = try data.splitValidation(count: 5000, seed: 3, ledger: Ledger())
        let b = try data.splitValidation(count: 5000, seed: 3, ledger: Ledger())
        #expect(a.train.count == 55_000 && a.validation?.count == 5000)
        #expect(a.validation!.labels == b.validation!.labels)
        #expect(a.validation!.images.scaledValues == b.validation!.images.scaledValues)
        let c = try data.splitValidation(count: 5000, seed: 4, ledger: Ledger())
        #expect(c.validation!.labels != a.validation!.labels)
        // Labels add up: nothing lost or duplicated.
        let total = zip(a.train.classCounts(), a.validation!.classCounts()).map { $0 + $1 }
        #expect(total == DatasetInfo.mnist.trainClassCounts)
        #expect(throws: DatasetError.self) { try data.splitValidation(count: 60_000, seed: 1) }
    }

    @Test func batchesCoverEveryImageOnceAndReshufflePerEpoch() {
        let ledger = Ledger()
        let images = ByteMatrix(rows: 23, cols: 2, category: .dataset, ledger: ledger)
        for r in 0..<23 { images[r, 0] = UInt8(r); images[r, 1] = UInt8(r * 2) }
        let set = LabeledImages(images: images, labels: (0..<23).map { Int32($0 % 10) }, classCount: 10)
        let batches = BatchIterator(source: set, batchSize: 5, shuffleSeed: 9, dropLast: false, ledger: ledger)
        #expect(batches.batchCount == 5)
        func epoch(_ e: Int) -> [Int] {
            batches.startEpoch(e)
            var seen: [Int] = []
            while let n = batches.next() {
                for r in 0..<n {
                    let i = Int((batches.x[r, 0] * 255).rounded())
                    #expect(batches.x[r, 1] == ByteMatrix.scaled(UInt8(i * 2)))
                    #expect(batches.labels[r] == Int32(i % 10))
                    seen.append(i)
                }
            }
            return seen
        }
        let allocationsBefore = ledger.allocationCount
        let first = epoch(0), again = epoch(0), second = epoch(1)
        #expect(first.sorted() == Array(0..<23))
        #expect(first == again)
        #expect(first != second)
        #expect(ledger.allocationCount == allocationsBefore)

        let dropping = BatchIterator(source: set, batchSize: 5, shuffleSeed: nil, dropLast: true, ledger: ledger)
        dropping.startEpoch(0)
        var count = 0
        while let n = dropping.next() { #expect(n == 5); count += 1 }
        #expect(count == 4)
    }
}

/// Images held as bytes change nothing the trainers see: every batch of a
/// shuffled epoch equals the Float32 pixels the loader used to hold
/// (x / 255 of the file's byte), read here independently from the raw file.
@Test func batchesFromBytesAreTheFloat32PixelsOfTheFile() throws {
    let ledger = Ledger()
    let locator = DataLocator(environment: ["FFBENCH_DATA": Fixtures.dataRoot])
    let data = try DatasetLoader(locator: locator).load(.mnist, ledger: ledger)
    let location = try locator.locate(DatasetInfo.mnist)
    let index = DatasetInfo.mnist.files.firstIndex { $0.split == .train && $0.format == .idxImages }!
    let raw = try DataFileReader.read(path: location.paths[index])
    let offset = 16 // IDX images: magic, count, rows, cols
    let batches = BatchIterator(source: data.train, batchSize: 100, shuffleSeed: 5, dropLast: true, ledger: ledger)
    batches.startEpoch(3)
    var checked = 0
    while let n = batches.next(), checked < 20 {
        for (r, i) in batches.batchIndices.enumerated() where r < n {
            for j in 0..<784 where batches.x[r, j] != Float(raw[offset + i * 784 + j]) / 255 {
                Issue.record("image \(i), pixel \(j): \(batches.x[r, j]) is not the file's byte / 255")
                return
            }
        }
        checked += 1
    }
    #expect(checked == 20)
}
