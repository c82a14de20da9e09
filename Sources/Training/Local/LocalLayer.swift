import CLocal
import Dispatch
import Tensor

/// The geometry of a locally connected layer (Hinton 2022, CIFAR-10): an
/// H x W map with `units` ReLUs per location, each seeing a `field` x
/// `field` patch of the map below (`inChannels` per location) through its
/// own weights. Edges are zero-padded so the map keeps H x W.
public struct LocalShape: Equatable, Sendable {
    public var height: Int, width: Int, inChannels: Int, units: Int, field: Int

    public init(height: Int, width: Int, inChannels: Int, units: Int, field: Int) {
        (self.height, self.width, self.inChannels, self.units, self.field) = (height, width, inChannels, units, field)
    }

    public var locations: Int { height * width }
    /// Per example: the map below, and this layer's map.
    public var inputs: Int { locations * inChannels }
    public var outputs: Int { locations * units }
    /// Inputs of one unit.
    public var fanIn: Int { field * field * inChannels }
    public var parameterCount: Int { outputs * fanIn + outputs }
    /// Floats of one example's zero-padded map below.
    public var paddedSize: Int { (height + field - 1) * (width + field - 1) * inChannels }
    /// Multiply-adds of one example's forward pass (each gradient costs the same).
    public var multiplyAdds: Int { outputs * fanIn }

    var c: ffb_local_shape {
        ffb_local_shape(height: Int32(height), width: Int32(width), in_channels: Int32(inChannels),
                        out_channels: Int32(units), field: Int32(field))
    }
}

/// A locally connected layer's parameters: weights (one row per location
/// and unit, its field in the padded map's order) and biases.
public final class LocalLayer {
    public let shape: LocalShape
    public let weight: Matrix
    public let bias: Matrix
    public let parameters: [Parameter]

    /// Weights N(0, 1/fan_in), as for a dense layer; biases 0.
    public init(shape: LocalShape, rng: inout RNG, ledger: Ledger = .shared) {
        self.shape = shape
        weight = Matrix(rows: shape.outputs, cols: shape.fanIn, category: .weights, ledger: ledger)
        bias = Matrix(rows: 1, cols: shape.outputs, category: .weights, ledger: ledger)
        parameters = [Parameter(value: weight, decays: true, ledger: ledger),
                      Parameter(value: bias, decays: false, ledger: ledger)]
        rng.fillNormal(weight, std: 1 / Float(shape.fanIn).squareRoot())
    }

    public var parameterCount: Int { shape.parameterCount }

    /// The map below, zero-padded, into `padded` (rows x paddedSize).
    /// `planar`: the input is channel-major (a CIFAR-10 image).
    public func pad(_ x: Matrix, planar: Bool, into padded: Matrix) {
        precondition(x.cols == shape.inputs && padded.cols == shape.paddedSize, "shape mismatch")
        padded.setRows(x.rows)
        var s = shape.c
        ffb_local_pad(&s, x.data, planar ? 1 : 0, Int32(x.rows), padded.data)
    }

    /// z = this layer's pre-activation without the bias, from the padded map below.
    public func forward(_ padded: Matrix, into z: Matrix) {
        z.setRows(padded.rows)
        let (s, xp, w, out, rows) = (shape.c, padded.data, weight.data, z.data, Int32(padded.rows))
        Self.split(shape.locations) { range in
            var s = s
            ffb_local_forward(&s, xp, rows, w, out, Int32(range.lowerBound), Int32(range.upperBound))
        }
    }

    /// `target = alpha * dW + beta * target` for dL/dz `dz` and the padded map below.
    public func addWeightGradient(_ padded: Matrix, dz: Matrix, into target: Matrix, alpha: Float, beta: Float) {
        let (s, xp, g, t, rows) = (shape.c, padded.data, dz.data, target.data, Int32(padded.rows))
        Self.split(shape.locations) { range in
            var s = s
            ffb_local_weight_gradient(&s, xp, rows, g, t, alpha, beta, Int32(range.lowerBound), Int32(range.upperBound))
        }
    }

    /// dL/d(map below) into `dx` (HWC), using `scratch` (at least dz.rows x paddedSize).
    public func inputGradient(_ dz: Matrix, into dx: Matrix, scratch: Matrix) {
        dx.setRows(dz.rows)
        let (s, g, w, out, tmp) = (shape.c, dz.data, weight.data, dx.data, scratch.data)
        let padded = shape.paddedSize
        Self.split(dz.rows) { range in
            var s = s
            ffb_local_input_gradient(&s, g, w, out, tmp + range.lowerBound * padded,
                                     Int32(range.lowerBound), Int32(range.upperBound))
        }
    }

    /// Locations or rows in contiguous ranges over OpenBLAS's threads: each
    /// item's result is computed by one thread in a fixed order, so the
    /// split does not change it.
    static func split(_ count: Int, _ body: (Range<Int>) -> Void) { Chunks.run(count, minimum: 1, body) }

    /// The instruction set the kernels run on ("avx2+fma" or "generic").
    public static var instructionSet: String { String(cString: ffb_local_isa()) }
}

extension Optimizer {
    /// For an optimizer over a `LocalLayer`'s parameters (weight, then bias):
    /// dW (+)= field-by-field products of the padded input and dz, db (+)=
    /// the column sums of dz, as `addDenseGradient` does for a dense layer.
    func addLocalGradient(_ layer: LocalLayer, padded: Matrix, dz: Matrix, first: Bool, training: Bool) {
        let dw = target(0, training: training), db = target(1, training: training)
        layer.addWeightGradient(padded, dz: dz, into: dw.matrix, alpha: dw.alpha, beta: dw.beta(first: first))
        Kernels.columnSums(dz, into: db.matrix, alpha: db.alpha, beta: db.beta(first: first))
    }
}
