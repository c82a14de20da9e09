import Tensor

/// What OpenBLAS itself reaches on a list of GEMM calls: each distinct
/// shape is timed alone, on its own operands, and the calls' times are
/// summed. A training step that ran only these products back to back could
/// go no faster, so this is the limit a trainer's time is measured against.
public struct GemmLimit: Codable, Sendable {
    public struct ShapeTime: Codable, Sendable {
        public let shape: GemmShape
        public let callsPerStep: Int
        public let secondsPerCall: Double
        /// Derived, stored so the JSON carries it.
        public let gflops: Double

        init(shape: GemmShape, callsPerStep: Int, secondsPerCall: Double) {
            self.shape = shape
            self.callsPerStep = callsPerStep
            self.secondsPerCall = secondsPerCall
            gflops = shape.flops / secondsPerCall / 1e9
        }

        enum CodingKeys: String, CodingKey {
            case shape, gflops
            case callsPerStep = "calls_per_step"
            case secondsPerCall = "seconds_per_call"
        }
    }

    public var shapes: [ShapeTime]
    /// FLOPs of all calls of one step.
    public var flops: Double
    /// Time of all calls of one step at the measured per-shape speed.
    public var seconds: Double
    public var gflops: Double { flops / seconds / 1e9 }
    /// The same FLOPs at the speed each shape reaches once its smallest
    /// dimension is grown to at least 2,000 (packing and call overhead then
    /// spread over 20x the work): the kernel's share of `seconds`; the rest
    /// is packing and overhead.
    public var kernelSeconds: Double

    enum CodingKeys: String, CodingKey {
        case shapes, flops, seconds
        case kernelSeconds = "kernel_seconds"
    }

    /// A shape with its smallest dimension grown to at least 2,000.
    static func grown(_ s: GemmShape) -> GemmShape {
        var g = s
        let small = min(s.m, s.n, s.k), factor = max(1, (2000 + small - 1) / max(small, 1))
        if s.m == small { g.m *= factor } else if s.k == small { g.k *= factor } else { g.n *= factor }
        return g
    }

    /// Times every distinct shape among `calls` (one step's GEMMs, in order)
    /// for at least `minSeconds` each, in `rounds` rounds that take turns
    /// over the shapes, and keeps each shape's best round (its median call).
    /// On a shared machine another tenant can slow a whole round; a limit
    /// taken from such a round would make the trainer look better than the
    /// BLAS, so the limit is sgemm's best sustained speed.
    /// `afterEachRound` runs between rounds: a trainer timed there
    /// meets the same machine states as the limit.
    public static func measure(_ calls: [GemmShape], minSeconds: Double = 0.3, rounds: Int = 3,
                               afterEachRound: () -> Void = {}) -> GemmLimit {
        var counts: [GemmShape: Int] = [:]
        var order: [GemmShape] = []
        for c in calls {
            if counts[c] == nil { order.append(c) }
            counts[c, default: 0] += 1
        }
        var best = [Double](repeating: .infinity, count: order.count)
        for _ in 0..<rounds {
            for (i, shape) in order.enumerated() {
                best[i] = min(best[i], time(shape, minSeconds: minSeconds / Double(rounds)))
            }
            afterEachRound()
        }
        let shapes = order.indices.map { ShapeTime(shape: order[$0], callsPerStep: counts[order[$0]]!, secondsPerCall: best[$0]) }
        let kernel = order.reduce(0.0) { total, shape in
            let g = grown(shape), t = time(g, minSeconds: minSeconds / Double(rounds))
            return total + Double(counts[shape]!) * shape.flops * t / g.flops
        }
        return GemmLimit(shapes: shapes, flops: calls.reduce(0) { $0 + $1.flops },
                         seconds: shapes.reduce(0) { $0 + Double($1.callsPerStep) * $1.secondsPerCall }, kernelSeconds: kernel)
    }

    static func time(_ s: GemmShape, minSeconds: Double) -> Double {
        let ledger = Ledger()
        // Stored shapes of A and B as the call reads them.
        let a = Matrix(rows: s.transposeA ? s.k : s.m, cols: s.transposeA ? s.m : s.k, category: .other, ledger: ledger)
        let b = Matrix(rows: s.transposeB ? s.n : s.k, cols: s.transposeB ? s.k : s.n, category: .other, ledger: ledger)
        let c = Matrix(rows: s.m, cols: s.n, category: .other, ledger: ledger)
        var rng = RNG(seed: 7)
        rng.fillNormal(a, std: 1)
        rng.fillNormal(b, std: 1)
        let call = { BLAS.gemm(a, transposeA: s.transposeA, b, transposeB: s.transposeB, into: c) }
        call()
        var times: [Double] = []
        let start = Monotonic.now()
        repeat {
            let t = Monotonic.now()
            call()
            times.append(Monotonic.now() - t)
        } while Monotonic.now() - start < minSeconds || times.count < 5
        return median(times)
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
