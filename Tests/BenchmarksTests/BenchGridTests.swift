import Testing
import Training
@testable import Benchmarks

@Suite struct BenchGridTests {
    @Test func gridResolvesEveryConfigurationThroughTheRunOptions() throws {
        let specs = try BenchGrid(algorithms: ["ff", "ff-nohead", "bp"], layers: ["2x500", "4x2000"], batchSizes: [100, 1000],
                                  shared: [("threads", "1")]).specs()
        #expect(specs.count == 12)
        #expect(specs.map(\.config.variantName).prefix(3) == ["ff", "ff-nohead", "bp"])
        #expect(specs.allSatisfy { $0.config.threads == 1 && $0.config.validation == 0 }) // whole epochs of MNIST
        #expect(specs[1].config.ff.negatives == .random && specs[1].config.ff.softmaxHead == false)
        #expect(specs.last!.config.layers == "4x2000" && specs.last!.config.batchSize == 1000)
        #expect(throws: TrainingError.self) { try BenchGrid(algorithms: ["cnn"], layers: ["2x8"], batchSizes: [1], shared: []).specs() }
    }
}
