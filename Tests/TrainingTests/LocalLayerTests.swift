import CLocal
import Foundation
import Testing
import Tensor
@testable import Training

/// The locally connected layer's kernels against a float64 layer written
/// from the definition, and their gradients against float64 central
/// differences; on both instruction sets, and however the work is split.
@Suite(.serialized) struct LocalLayerTests {
    static let shape = LocalShape(height: 5, width: 4, inChannels: 2, units: 3, field: 3)
    static let rows = 5

    static func layer(_ s: LocalShape = shape, seed: UInt64 = 4) -> LocalLayer {
        var rng = RNG(seed: seed)
        let layer = LocalLayer(shape: s, rng: &rng, ledger: Ledger())
        rng.fillNormal(layer.bias, std: 0.3)
        return layer
    }

    static func random(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var rng = RNG(seed: seed)
        let m = Matrix(rows: rows, cols: cols, category: .other, ledger: Ledger())
        rng.fillNormal(m, std: 1)
        return m
    }

    /// z (with bias) from the kernels, for `x` channel-major or channels-last.
    static func forward(_ layer: LocalLayer, _ x: Matrix, planar: Bool) -> Matrix {
        let columns = LocalColumns(layer.shape, capacity: x.rows, passesGradientDown: false, ledger: Ledger())
        let z = Matrix(rows: x.rows, cols: layer.shape.outputs, category: .other, ledger: Ledger())
        layer.load(x, planar: planar, into: columns)
        layer.forward(columns, into: z)
        Kernels.addBias(z, bias: layer.bias)
        return z
    }

    /// Both instruction sets where the CPU has AVX2 (one elsewhere).
    static func eachInstructionSet(_ body: (String) throws -> Void) rethrows {
        for generic in [false, true] {
            ffb_local_use_generic(generic ? 1 : 0)
            defer { ffb_local_use_generic(0) }
            try body(LocalLayer.instructionSet)
        }
    }

    @Test(arguments: [true, false])
    func forwardMatchesTheDefinition(planar: Bool) throws {
        let layer = Self.layer(), x = Self.random(rows: Self.rows, cols: Self.shape.inputs, seed: 1)
        let expected = F64.local(F64.matrix(x), Self.shape, planar: planar, F64.matrix(layer.weight),
                                 F64.matrix(layer.bias)[0], relu: false).flatMap { $0 }
        try Self.eachInstructionSet { isa in
            let got = Self.forward(layer, x, planar: planar).values.map(Double.init)
            #expect(F64.relativeError(got, expected) <= 1e-5, "\(isa)")
        }
    }

    /// L = sum(R * z): dL/dW and dL/dx of the kernels against central differences.
    @Test func gradientsMatchFiniteDifferences() throws {
        let layer = Self.layer(), s = Self.shape
        let x = Self.random(rows: Self.rows, cols: s.inputs, seed: 2), r = Self.random(rows: Self.rows, cols: s.outputs, seed: 3)
        let xs = F64.matrix(x), rs = F64.matrix(r), w = F64.matrix(layer.weight), b = F64.matrix(layer.bias)[0]
        func loss(_ x: F64.Rows, _ w: F64.Rows) -> Double {
            zip(F64.local(x, s, planar: false, w, b, relu: false), rs).reduce(0) { acc, pair in
                acc + zip(pair.0, pair.1).reduce(0) { $0 + $1.0 * $1.1 }
            }
        }
        let dW = F64.gradient(w) { loss(xs, $0) }, dX = F64.gradient(xs) { loss($0, w) }
        try Self.eachInstructionSet { isa in
            let columns = LocalColumns(s, capacity: Self.rows, passesGradientDown: true, ledger: Ledger())
            layer.load(x, planar: false, into: columns)
            layer.loadGradient(r, into: columns)
            let gw = Matrix(rows: s.outputs, cols: s.fanIn, category: .other, ledger: Ledger())
            gw.fill(7) // beta 0 must overwrite, not scale
            layer.addWeightGradient(columns, into: gw, alpha: 1, beta: 0)
            #expect(F64.relativeError(gw.values.map(Double.init), dW) <= 1e-5, "\(isa) weights")
            let gx = Matrix(rows: Self.rows, cols: s.inputs, category: .other, ledger: Ledger())
            layer.inputGradient(columns, into: gx)
            #expect(F64.relativeError(gx.values.map(Double.init), dX) <= 1e-5, "\(isa) inputs")
            // alpha and beta as an optimizer's target uses them.
            let before = gw.values
            layer.addWeightGradient(columns, into: gw, alpha: 0.5, beta: 2)
            #expect(zip(gw.values, before).allSatisfy { abs($0 - 2.5 * $1) <= 1e-5 * max(1, abs($0)) }, "\(isa) alpha, beta")
        }
    }

    /// The paper's field (11 x 11 x 3) over a batch of 37: a block of 32 examples and a remainder.
    @Test func aPaperSizedFieldMatchesTheDefinition() throws {
        let s = LocalShape(height: 6, width: 7, inChannels: 3, units: 3, field: 11)
        let layer = Self.layer(s, seed: 8), x = Self.random(rows: 37, cols: s.inputs, seed: 9)
        let expected = F64.local(F64.matrix(x), s, planar: true, F64.matrix(layer.weight), F64.matrix(layer.bias)[0], relu: false)
        try Self.eachInstructionSet { isa in
            #expect(F64.relativeError(Self.forward(layer, x, planar: true).values.map(Double.init), expected.flatMap { $0 }) <= 1e-5, "\(isa)")
        }
    }

    @Test func oneThreadAndTwoGiveIdenticalResults() throws {
        let s = LocalShape(height: 8, width: 8, inChannels: 3, units: 3, field: 5)
        // 41 rows: a block of 32 examples, then single vectors, then columns past the batch.
        let layer = Self.layer(s, seed: 5), x = Self.random(rows: 41, cols: s.inputs, seed: 6)
        let dz = Self.random(rows: 41, cols: s.outputs, seed: 7)
        func run() -> [Float] {
            let columns = LocalColumns(s, capacity: 41, passesGradientDown: true, ledger: Ledger())
            layer.load(x, planar: false, into: columns)
            let z = Matrix(rows: 41, cols: s.outputs, category: .other, ledger: Ledger())
            layer.forward(columns, into: z)
            layer.loadGradient(dz, into: columns)
            let gw = Matrix(rows: s.outputs, cols: s.fanIn, category: .other, ledger: Ledger())
            layer.addWeightGradient(columns, into: gw, alpha: 1, beta: 0)
            let gx = Matrix(rows: 41, cols: s.inputs, category: .other, ledger: Ledger())
            layer.inputGradient(columns, into: gx)
            return z.values + gw.values + gx.values
        }
        #expect(BLAS.withThreads(1, run) == BLAS.withThreads(2, run))
    }
}
