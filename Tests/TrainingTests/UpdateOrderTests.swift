import Testing
import Tensor
@testable import Training

/// Both trainers update each layer as soon as nothing later in the batch
/// reads its weights, while its gradient is still in cache, and with SGD
/// the weight-gradient GEMM adds straight into the momentum state. That must
/// give what the textbook order gives: all gradients into gradient buffers
/// first, then every update. Adam's arithmetic is the same, bit for bit;
/// SGD's GEMM adds the state inside the kernel, so its rounding differs.
@Suite struct UpdateOrderTests {
    static let widths = [7, 7, 7]

    static func config(_ algorithm: TrainingConfig.Algorithm, _ kind: TrainingConfig.OptimizerKind) -> TrainingConfig {
        var config = GradientCheckTests.config(algorithm)
        config.optimizer.kind = kind
        config.optimizer.weightDecay = 0.01
        if algorithm == .bp {
            // Hinton's smoothed SGD with separate decay for FF; the usual L2 form for BP.
            config.optimizer.dampening = 0
            config.optimizer.decayStyle = .inGradient
        }
        config.ff.peerNormalization = 0.03
        config.layers = "3x7"
        return config
    }

    static func make(_ config: TrainingConfig) throws -> Model {
        switch config.algorithm {
        case .ff: try FFNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: widths, classes: 10, ledger: Ledger())
        case .bp: BPNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: widths, classes: 10, ledger: Ledger())
        }
    }

    /// The textbook order: every gradient, then every update.
    static func stepAfterwards(_ model: Model, _ x: Matrix, _ labels: UnsafePointer<Int32>, _ config: TrainingConfig) {
        switch model {
        case let ff as FFNetwork:
            _ = ff.computeGradients(x, labels: labels)
            for o in ff.optimizers { o.step(learningRate: config.optimizer.learningRate) }
            ff.headOptimizer.step(learningRate: config.ff.head.learningRate)
        case let bp as BPNetwork:
            _ = bp.computeGradients(x, labels: labels)
            for o in bp.optimizers { o.step(learningRate: config.optimizer.learningRate) }
        default: Issue.record("unknown model")
        }
    }

    static func weights(_ model: Model) -> [Float] {
        let layers = (model as? FFNetwork)?.layers ?? (model as? BPNetwork)?.layers ?? []
        return layers.flatMap { [$0.weight, $0.bias] }.flatMap { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
    }

    @Test(arguments: [TrainingConfig.Algorithm.ff, .bp], [TrainingConfig.OptimizerKind.sgd, .adam])
    func updatingLayerByLayerEqualsUpdatingAfterTheWholeBatch(algorithm: TrainingConfig.Algorithm, kind: TrainingConfig.OptimizerKind) throws {
        let config = Self.config(algorithm, kind)
        let early = try Self.make(config), late = try Self.make(config)
        let start = Self.weights(early)
        for step in 0..<3 {
            let (x, labels) = GradientCheckTests.batchData(seed: UInt64(step + 1))
            labels.withUnsafeBufferPointer { l in
                _ = early.trainBatch(x, labels: l.baseAddress!, learningRateScale: 1)
                Self.stepAfterwards(late, x, l.baseAddress!, config)
            }
        }
        let (a, b) = (Self.weights(early), Self.weights(late))
        #expect(a.count == b.count)
        let difference = zip(a, b).map { abs($0 - $1) }.max()!
        let moved = zip(a, start).map { abs($0 - $1) }.max()!
        #expect(moved > 1e-3)
        if kind == .adam {
            #expect(difference == 0) // bit-identical
        } else {
            // Rounding only: an update one stream too early moves weights by a
            // sizeable part of a step.
            #expect(difference <= 1e-5 * moved, "differs by \(difference), moved \(moved)")
        }
    }
}

/// Streams 2-4 stacked into one GEMM per layer do the arithmetic of one
/// stream at a time (up to GEMM rounding): same gradients, same losses,
/// same weights after several steps.
@Suite struct StackedStreamTests {
    static func make(stackMemoryMiB: Int?, head: Bool) throws -> FFNetwork {
        var config = UpdateOrderTests.config(.ff, .sgd)
        config.ff.stackMemoryMiB = stackMemoryMiB
        if !head { (config.ff.softmaxHead, config.ff.negatives) = (false, .random) }
        return try FFNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: UpdateOrderTests.widths,
                             classes: 10, ledger: Ledger())
    }

    @Test(arguments: [true, false])
    func stackedStreamsTrainLikeOneStreamAtATime(head: Bool) throws {
        let stacked = try Self.make(stackMemoryMiB: nil, head: head), single = try Self.make(stackMemoryMiB: 0, head: head)
        #expect(stacked.layout.stacked && !single.layout.stacked)
        let start = UpdateOrderTests.weights(stacked)
        for step in 0..<3 {
            let (x, labels) = GradientCheckTests.batchData(seed: UInt64(step + 1))
            let (a, b) = labels.withUnsafeBufferPointer { l in
                (stacked.trainBatch(x, labels: l.baseAddress!, learningRateScale: 1),
                 single.trainBatch(x, labels: l.baseAddress!, learningRateScale: 1))
            }
            #expect(abs(a.loss - b.loss) <= 1e-5 * abs(b.loss), "step \(step): loss \(a.loss) vs \(b.loss)")
            #expect(a.errors == b.errors)
            #expect((a.errors != nil) == head)
        }
        let (a, b) = (UpdateOrderTests.weights(stacked), UpdateOrderTests.weights(single))
        let difference = zip(a, b).map { abs($0 - $1) }.max()!
        let moved = zip(a, start).map { abs($0 - $1) }.max()!
        #expect(moved > 1e-3)
        #expect(difference <= 1e-5 * moved, "differs by \(difference), moved \(moved)")
        // The head's weights too: its gradients come from the stacked neutral stream.
        let heads = [stacked, single].map { $0.head.compactMap { $0?.values }.flatMap { $0 } }
        #expect(heads[0].isEmpty == !head)
        if head { #expect(zip(heads[0], heads[1]).map { abs($0 - $1) }.max()! <= 1e-5 * heads[1].map(abs).max()!) }
    }
}
