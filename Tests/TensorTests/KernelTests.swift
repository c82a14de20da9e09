import Foundation
import Testing
import Tensor

@Suite struct KernelTests {
    @Test func biasReLUAndBiasMatchReference() {
        for (i, (r, c)) in Ref.shapes.enumerated() {
            let z = Ref.random(r, c, seed: UInt64(i)), bias = Ref.random(1, c, seed: UInt64(i + 50))
            let z0 = Ref.doubles(z), b = Ref.doubles(bias)
            Kernels.addBiasReLU(z, bias: bias)
            let expected = (0..<r * c).map { max(0, z0[$0] + b[$0 % c]) }
            #expect(Ref.maxRelativeError(Ref.doubles(z), expected) < 1e-6, "shape \(r)x\(c)")

            let y = Ref.random(r, c, seed: UInt64(i))
            Kernels.addBias(y, bias: bias)
            #expect(Ref.maxRelativeError(Ref.doubles(y), (0..<r * c).map { z0[$0] + b[$0 % c] }) < 1e-6)
        }
    }

    /// Every length around the 16-wide blocks, and a layer's width.
    @Test func dotMatchesFloat64AtEveryBlockBoundary() {
        for n in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 784, 2000, 2003] {
            let a = Ref.random(1, max(n, 1), seed: UInt64(n)), b = Ref.random(1, max(n, 1), seed: UInt64(n + 100))
            let expected = zip(Ref.doubles(a), Ref.doubles(b)).prefix(n).reduce(0) { $0 + $1.0 * $1.1 }
            let got = Double(Kernels.dot(a.data, b.data, count: n))
            #expect(abs(got - expected) <= 1e-5 * max(1, Double(n).squareRoot()), "length \(n)")
        }
    }

    @Test func reluBackwardMasksByActivation() {
        for (i, (r, c)) in Ref.shapes.enumerated() {
            let g = Ref.random(r, c, seed: UInt64(i)), a = Ref.random(r, c, seed: UInt64(i + 7))
            let g0 = Ref.doubles(g), a0 = Ref.doubles(a)
            Kernels.reluBackward(g, activation: a)
            #expect(Ref.doubles(g) == (0..<r * c).map { a0[$0] > 0 ? g0[$0] : 0 })
        }
    }

    @Test func columnSumsMatchReference() {
        for (i, (r, c)) in Ref.shapes.enumerated() {
            let m = Ref.random(r, c, seed: UInt64(i))
            let out = Ref.random(1, c, seed: UInt64(i + 3))
            let out0 = Ref.doubles(out), m0 = Ref.doubles(m)
            Kernels.columnSums(m, into: out, alpha: 0.5, beta: 2)
            let expected = (0..<c).map { j in 2 * out0[j] + 0.5 * (0..<r).reduce(0.0) { $0 + m0[$1 * c + j] } }
            #expect(Ref.maxRelativeError(Ref.doubles(out), expected) < 1e-5, "shape \(r)x\(c)")
        }
    }

    @Test func rowSumOfSquaresMatchesReference() {
        for (i, (r, c)) in Ref.shapes.enumerated() {
            let x = Ref.random(r, c, seed: UInt64(i))
            var out = [Float](repeating: 0, count: r)
            out.withUnsafeMutableBufferPointer { Kernels.rowSumOfSquares(x, into: $0.baseAddress!) }
            let x0 = Ref.doubles(x)
            let expected = (0..<r).map { row in (0..<c).reduce(0.0) { $0 + x0[row * c + $1] * x0[row * c + $1] } }
            #expect(Ref.maxRelativeError(out.map(Double.init), expected) < 1e-5)
        }
    }

    @Test func rmsNormalizationForwardMatchesReference() {
        for (i, (r, c)) in Ref.shapes.enumerated() {
            let x = Ref.random(r, c, seed: UInt64(i), scale: 3)
            let y = Matrix(rows: r, cols: c, category: .other)
            var rms = [Float](repeating: 0, count: r)
            rms.withUnsafeMutableBufferPointer { Kernels.rmsNormalizeRows(x, into: y, rms: $0.baseAddress!) }
            let x0 = Ref.doubles(x)
            for row in 0..<r {
                let slice = Array(x0[row * c..<(row + 1) * c])
                let root = (slice.reduce(0) { $0 + $1 * $1 } / Double(c)).squareRoot()
                let expected = slice.map { $0 / root }
                let got = (0..<c).map { Double(y[row, $0]) }
                #expect(Ref.maxRelativeError(got, expected) < 1e-5)
                #expect(abs(Double(rms[row]) - root) / root < 1e-5)
                // Activities average 1 per unit: mean of squares is 1.
                #expect(abs(got.reduce(0) { $0 + $1 * $1 } / Double(c) - 1) < 1e-4)
            }
        }
    }

    @Test func rmsNormalizationBackwardMatchesFiniteDifferences() {
        for (i, (r, c)) in Ref.shapes.enumerated() where c > 1 {
            let x = Ref.random(r, c, seed: UInt64(i), scale: 2)
            let dy = Ref.random(r, c, seed: UInt64(i + 11))
            let y = Matrix(rows: r, cols: c, category: .other)
            let dx = Matrix(rows: r, cols: c, category: .other)
            var rms = [Float](repeating: 0, count: r)
            rms.withUnsafeMutableBufferPointer { p in
                Kernels.rmsNormalizeRows(x, into: y, rms: p.baseAddress!)
                Kernels.rmsNormalizeRowsBackward(dy: dy, x: x, rms: p.baseAddress!, into: dx)
            }
            let dy0 = Ref.doubles(dy), x0 = Ref.doubles(x)
            for row in 0..<r {
                let w = Array(dy0[row * c..<(row + 1) * c])
                // L(x) = sum_j w_j * x_j / rms(x): its gradient is dx.
                let loss: ([Double]) -> Double = { v in
                    let root = (v.reduce(0) { $0 + $1 * $1 } / Double(c)).squareRoot()
                    return zip(w, v).reduce(0) { $0 + $1.0 * $1.1 / root }
                }
                let expected = Ref.gradient(of: loss, at: Array(x0[row * c..<(row + 1) * c]))
                let got = (0..<c).map { Double(dx[row, $0]) }
                #expect(Ref.maxRelativeError(got, expected) < 1e-4, "shape \(r)x\(c) row \(row)")
            }
        }
    }

    @Test func rmsNormalizationOfZeroRowIsZero() {
        let x = Matrix(rows: 1, cols: 4, category: .other)
        let y = Matrix(rows: 1, cols: 4, category: .other)
        let dx = Matrix(rows: 1, cols: 4, category: .other)
        let dy = Matrix(rows: 1, cols: 4, values: [1, 2, 3, 4])
        var rms: [Float] = [1]
        rms.withUnsafeMutableBufferPointer { p in
            Kernels.rmsNormalizeRows(x, into: y, rms: p.baseAddress!)
            Kernels.rmsNormalizeRowsBackward(dy: dy, x: x, rms: p.baseAddress!, into: dx)
        }
        #expect(y.values == [0, 0, 0, 0])
        #expect(dx.values.allSatisfy { $0.isFinite })
    }

    @Test func softmaxCrossEntropyMatchesReferenceAndFiniteDifferences() {
        for (i, (r, c)) in Ref.shapes.enumerated() where c > 1 {
            let logits = Ref.random(r, c, seed: UInt64(i), scale: 4)
            var labels = (0..<r).map { Int32(($0 * 7 + i) % c) }
            let probs = Matrix(rows: r, cols: c, category: .other)
            let grad = Matrix(rows: r, cols: c, category: .other)
            let (loss, correct) = labels.withUnsafeMutableBufferPointer {
                Kernels.softmaxCrossEntropy(logits: logits, labels: $0.baseAddress!, probs: probs, gradient: grad, scale: 0.5)
            }
            let z = Ref.doubles(logits)
            func rowLoss(_ v: [Double], _ label: Int) -> Double {
                let m = v.max()!
                return log(v.reduce(0) { $0 + exp($1 - m) }) - (v[label] - m)
            }
            var expectedLoss = 0.0, expectedCorrect = 0
            for row in 0..<r {
                let v = Array(z[row * c..<(row + 1) * c])
                let label = Int(labels[row])
                expectedLoss += rowLoss(v, label)
                if v.firstIndex(of: v.max()!) == label { expectedCorrect += 1 }
                let fd = Ref.gradient(of: { 0.5 * rowLoss($0, label) }, at: v)
                #expect(Ref.maxRelativeError((0..<c).map { Double(grad[row, $0]) }, fd) < 1e-5)
                let m = v.max()!, s = v.reduce(0) { $0 + exp($1 - m) }
                #expect(Ref.maxRelativeError((0..<c).map { Double(probs[row, $0]) }, v.map { exp($0 - m) / s }) < 1e-5)
            }
            #expect(abs(loss - expectedLoss) / max(1, expectedLoss) < 1e-5)
            #expect(correct == expectedCorrect)
        }
    }

    @Test func softplusAndSigmoidAreStableOnBothTails() {
        for x in [-100.0, -30, -5, -1e-3, 0, 1e-3, 5, 30, 100] {
            let sp = Double(Kernels.softplus(Float(x)))
            #expect(abs(sp - Ref.softplus(x)) <= 1e-6 * max(1, abs(x)), "softplus(\(x)) = \(sp)")
            let sg = Double(Kernels.sigmoid(Float(x)))
            #expect(abs(sg - 1 / (1 + exp(-x))) < 1e-7, "sigmoid(\(x))")
        }
    }
}
