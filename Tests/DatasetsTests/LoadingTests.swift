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
        let pixels = data.train.images.values
        #expect(pixels.min() == 0 && pixels.max() == 1)
        // Data is held once, as Float32: exactly the two image matrices.
        #expect(ledger.liveBytes(.dataset) == (60_000 + 10_000) * 784 * 4)
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
        #expect(a.validation!.images.values == b.validation!.images.values)
        let c = try data.splitValidation(count: 5000, seed: 4, ledger: Ledger())
        #expect(c.validation!.labels != a.validation!.labels)
        // Labels add up: nothing lost or duplicated.
        let total = zip(a.train.classCounts(), a.validation!.classCounts()).map { $0 + $1 }
        #expect(total == DatasetInfo.mnist.trainClassCounts)
        #expect(throws: DatasetError.self) { try data.splitValidation(count: 60_000, seed: 1) }
    }

    @Test func batchesCoverEveryImageOnceAndReshufflePerEpoch() {
        let ledger = Ledger()
        let images = Matrix(rows: 23, cols: 2, category: .dataset, ledger: ledger)
        for r in 0..<23 { images[r, 0] = Float(r); images[r, 1] = Float(r) * 2 }
        let set = LabeledImages(images: images, labels: (0..<23).map { Int32($0 % 10) }, classCount: 10)
        let batches = BatchIterator(source: set, batchSize: 5, shuffleSeed: 9, dropLast: false, ledger: ledger)
        #expect(batches.batchCount == 5)
        func epoch(_ e: Int) -> [Int] {
            batches.startEpoch(e)
            var seen: [Int] = []
            while let n = batches.next() {
                for r in 0..<n {
                    let i = Int(batches.x[r, 0])
                    #expect(batches.x[r, 1] == Float(i) * 2)
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
