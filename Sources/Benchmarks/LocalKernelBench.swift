import Foundation
import Datasets
import Tensor
import Training

/// `bench training` for a locally connected stack: each layer's three
/// kernels (forward, weight gradient, input gradient) timed alone at the
/// batch's shape, as a share of the machine's FMA peak measured in the same
/// run; the layer's forward done the way the kernels avoid, as one small
/// sgemm per location over gathered patches; and whole training steps of
/// FF and BP on the stack.
public struct LocalKernelBench: Codable, Sendable {
    public struct Kernel: Codable, Sendable {
        public let layer: Int
        public let name: String
        public let seconds: Double
        public let gflops: Double
        /// Of the FMA peak at the same threads.
        public let peakShare: Double

        enum CodingKeys: String, CodingKey {
            case layer, name, seconds, gflops
            case peakShare = "peak_share"
        }
    }

    public let layers: String
    public let batchSize: Int
    public let threads: Int
    public let peak: FMAPeak
    public let kernels: [Kernel]
    /// Layer 1's forward as one sgemm per location (patches gathered first).
    public let perLocationGemmSeconds: Double
    /// Median step times and their kernel FLOPs' share of the FMA peak.
    public let steps: [String: Double]
    public let stepPeakShare: [String: Double]

    enum CodingKeys: String, CodingKey {
        case layers, threads, peak, kernels, steps
        case batchSize = "batch_size"
        case perLocationGemmSeconds = "per_location_gemm_seconds"
        case stepPeakShare = "step_peak_share"
    }

    /// Best-round median of `body` (rounds of at least `seconds`).
    static func time(rounds: Int = 3, seconds: Double = 0.3, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<rounds {
            var times: [Double] = []
            let start = Monotonic.now()
            repeat {
                let t = Monotonic.now()
                body()
                times.append(Monotonic.now() - t)
            } while Monotonic.now() - start < seconds
            best = min(best, median(times))
        }
        return best
    }

    public static func measure(stack: LocalStack, layers text: String, image: (Int, Int, Int), batchSize b: Int,
                               config: TrainingConfig, data: Dataset?) throws -> LocalKernelBench {
        let ledger = Ledger()
        let threads = BLAS.threads
        let before = FMAPeak.measure(threads: threads)
        var rng = RNG(seed: 1)
        var kernels: [Kernel] = []
        let shapes = stack.shapes(image: image)
        var gemm = 0.0
        for (l, shape) in shapes.enumerated() where l < 2 {
            let layer = LocalLayer(shape: shape, rng: &rng, ledger: ledger)
            let x = Matrix(rows: b, cols: shape.inputs, category: .other, ledger: ledger)
            rng.fillNormal(x, std: 1)
            let columns = LocalColumns(shape, capacity: b, passesGradientDown: true, ledger: ledger)
            layer.load(x, planar: l == 0 && shape.inChannels > 1, into: columns)
            let z = Matrix(rows: b, cols: shape.outputs, category: .other, ledger: ledger)
            let dz = Matrix(rows: b, cols: shape.outputs, category: .other, ledger: ledger)
            rng.fillNormal(dz, std: 1)
            let dw = Matrix(rows: shape.outputs, cols: shape.fanIn, category: .other, ledger: ledger)
            let dx = Matrix(rows: b, cols: shape.inputs, category: .other, ledger: ledger)
            layer.loadGradient(dz, into: columns)
            let flops = 2 * Double(b * shape.multiplyAdds)
            let timed: [(String, () -> Void)] = [
                // Each with the layout changes it needs: products back to rows, dz into columns, the gradient below back to rows.
                ("forward", { layer.forward(columns, into: z) }),
                ("weight gradient", { layer.loadGradient(dz, into: columns); layer.addWeightGradient(columns, into: dw, alpha: 1, beta: 0) }),
                ("input gradient", { layer.inputGradient(columns, into: dx) }),
            ]
            for (name, body) in timed {
                let s = time(body)
                kernels.append(Kernel(layer: l + 1, name: name, seconds: s, gflops: flops / s / 1e9, peakShare: flops / s / 1e9 / before.gflops))
            }
            if l == 0 {
                let patches = Matrix(rows: b, cols: shape.fanIn, category: .other, ledger: ledger)
                let out = Matrix(rows: b, cols: shape.units, category: .other, ledger: ledger)
                gemm = time(rounds: 2, seconds: 0.2) { perLocationForward(layer, columns: columns, into: z, patches: patches, out: out) }
            }
        }
        var steps: [String: Double] = [:], shares: [String: Double] = [:]
        if let data {
            for algorithm in [TrainingConfig.Algorithm.ff, .bp] {
                var c = config
                c.algorithm = algorithm
                let loop = try TrainingLoop(config: c, data: data, ledger: ledger)
                let step = StepTiming.measure(loop.model, data: data, batchSize: b, steps: 5, minSeconds: 1, ledger: ledger)
                let f = 2 * Double(b) * Double(kernelMultiplyAdds(shapes, algorithm: algorithm))
                steps[algorithm.rawValue] = step.stepSeconds
                shares[algorithm.rawValue] = f / step.stepSeconds / 1e9 / before.gflops
            }
        }
        let after = FMAPeak.measure(threads: threads)
        let peak = before.gflops >= after.gflops ? before : after
        return LocalKernelBench(layers: text, batchSize: b, threads: threads, peak: peak, kernels: kernels,
                                perLocationGemmSeconds: gemm, steps: steps, stepPeakShare: shares)
    }

    /// Per example, the locally connected multiply-adds of one training step:
    /// BP runs every layer forward, every weight gradient and the input
    /// gradients above layer 1; FF runs layer 1's image term once, layers
    /// above it in the neutral, positive and negative passes, and every
    /// layer's weight gradient in the positive and negative passes.
    public static func kernelMultiplyAdds(_ shapes: [LocalShape], algorithm: TrainingConfig.Algorithm) -> Int {
        let f = shapes.map(\.multiplyAdds)
        let above = f.dropFirst().reduce(0, +), all = f.reduce(0, +)
        switch algorithm {
        case .bp: return 2 * all + above
        case .ff: return f[0] + 3 * above + 2 * all
        }
    }

    /// Layer 1's forward the naive way: per location, the batch's patches
    /// gathered into a matrix and one sgemm with that location's weights.
    static func perLocationForward(_ layer: LocalLayer, columns: LocalColumns, into z: Matrix, patches: Matrix, out: Matrix) {
        let s = layer.shape, b = columns.rows, k = s.field, cin = s.inChannels, pw = s.width + k - 1, ld = columns.ld
        let below = columns.belowData
        for loc in 0..<s.locations {
            let base = ((loc / s.width) * pw + loc % s.width) * cin
            for r in 0..<b {
                let dst = patches.row(r)
                var p = 0
                for dy in 0..<k {
                    for t in 0..<k * cin { dst[p] = below[(base + dy * pw * cin + t) * ld + r]; p += 1 }
                }
            }
            BLAS.sgemm(transposeA: false, transposeB: true, m: b, n: s.units, k: s.fanIn, alpha: 1,
                       a: patches.data, lda: s.fanIn, b: layer.weight.row(loc * s.units), ldb: s.fanIn, beta: 0, c: out.data, ldc: s.units)
            for r in 0..<b { (z.row(r) + loc * s.units).update(from: out.row(r), count: s.units) }
        }
    }

    public var text: String {
        var lines = [String(format: "%@ batch %d, %d thread%@: FMA peak %.1f GFLOP/s (%@)", layers, batchSize, threads,
                            threads == 1 ? "" : "s", peak.gflops, peak.instructionSet)]
        for k in kernels {
            lines.append(String(format: "  layer %d %@: %.2f ms, %.1f GFLOP/s, %.0f %% of the FMA peak", k.layer,
                                k.name.padding(toLength: 15, withPad: " ", startingAt: 0), k.seconds * 1000, k.gflops, 100 * k.peakShare))
        }
        if let f = kernels.first(where: { $0.layer == 1 && $0.name == "forward" }) {
            lines.append(String(format: "  layer 1 forward as one sgemm per location: %.2f ms (%.1fx the kernel's time)",
                                perLocationGemmSeconds * 1000, perLocationGemmSeconds / f.seconds))
        }
        for a in steps.keys.sorted() {
            lines.append(String(format: "  %@ training step: %.1f ms; its locally connected products at %.0f %% of the FMA peak",
                                a.uppercased(), steps[a]! * 1000, 100 * stepPeakShare[a]!))
        }
        return lines.joined(separator: "\n")
    }
}
