import CLocal
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
    /// Features of one example's zero-padded map below.
    public var paddedSize: Int { (height + field - 1) * (width + field - 1) * inChannels }
    /// Multiply-adds of one example's forward pass (each gradient costs the same).
    public var multiplyAdds: Int { outputs * fanIn }

    var c: ffb_local_shape {
        ffb_local_shape(height: Int32(height), width: Int32(width), in_channels: Int32(inChannels),
                        out_channels: Int32(units), field: Int32(field))
    }
}

/// One layer's batch in the kernels' layout: one row per feature, the
/// batch's examples along it (`ld` apart, a multiple of 8). The map below
/// (padded), this layer's products, dL/dz, and dL/d(map below) when the
/// layer passes gradients down.
public final class LocalColumns {
    public let ld: Int
    public private(set) var rows = 0
    let below: Matrix, products: Matrix, gradient: Matrix
    let belowGradient: Matrix?

    public init(_ shape: LocalShape, capacity: Int, passesGradientDown: Bool, ledger: Ledger = .shared) {
        ld = (capacity + 7) / 8 * 8
        below = Matrix(rows: shape.paddedSize, cols: ld, category: .activations, ledger: ledger)
        products = Matrix(rows: shape.outputs, cols: ld, category: .activations, ledger: ledger)
        gradient = Matrix(rows: shape.outputs, cols: ld, category: .activations, ledger: ledger)
        belowGradient = passesGradientDown ? Matrix(rows: shape.paddedSize, cols: ld, category: .activations, ledger: ledger) : nil
    }

    /// Floats a batch of `capacity` holds in these buffers.
    public static func floats(_ shape: LocalShape, capacity: Int, passesGradientDown: Bool) -> Int {
        let ld = (capacity + 7) / 8 * 8
        return ld * (shape.paddedSize * (passesGradientDown ? 2 : 1) + 2 * shape.outputs)
    }

    /// The padded map below, for code that reads the layout directly (a benchmark's naive path).
    public var belowData: UnsafePointer<Float> { UnsafePointer(below.data) }

    func setRows(_ n: Int) {
        precondition(n <= ld, "batch of \(n) over the columns' capacity \(ld)")
        rows = n
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

    /// The map below (rows of `x`; `planar`: channel-major, a CIFAR-10 image) into `c`, padded.
    public func load(_ x: Matrix, planar: Bool, into c: LocalColumns) {
        precondition(x.cols == shape.inputs, "shape mismatch")
        c.setRows(x.rows)
        var s = shape.c
        ffb_local_pad(&s, x.data, planar ? 1 : 0, Int32(x.rows), c.below.data, Int32(c.ld))
    }

    /// z (rows) = this layer's products over the map below in `c`, without the bias.
    public func forward(_ c: LocalColumns, into z: Matrix) {
        let (s, xp, w, out, ld) = (shape.c, c.below.data, weight.data, c.products.data, Int32(c.ld))
        Self.split(shape.locations) { range in
            var s = s
            ffb_local_forward(&s, xp, ld, w, out, Int32(range.lowerBound), Int32(range.upperBound))
        }
        z.setRows(c.rows)
        ffb_local_rows_from_columns(c.products.data, ld, Int32(c.rows), Int32(shape.outputs), z.data)
    }

    /// dL/dz (rows) into `c`, for the gradients below.
    public func loadGradient(_ dz: Matrix, into c: LocalColumns) {
        precondition(dz.rows == c.rows && dz.cols == shape.outputs, "shape mismatch")
        ffb_local_columns_from_rows(dz.data, Int32(dz.rows), Int32(shape.outputs), c.gradient.data, Int32(c.ld))
    }

    /// `target = alpha * dW + beta * target`, from the map below and dL/dz in `c`.
    public func addWeightGradient(_ c: LocalColumns, into target: Matrix, alpha: Float, beta: Float) {
        let (s, xp, g, t, ld) = (shape.c, c.below.data, c.gradient.data, target.data, Int32(c.ld))
        Self.split(shape.locations) { range in
            var s = s
            ffb_local_weight_gradient(&s, xp, ld, g, t, alpha, beta, Int32(range.lowerBound), Int32(range.upperBound))
        }
    }

    /// dL/d(map below) into `dx` (rows, HWC), from dL/dz in `c`.
    public func inputGradient(_ c: LocalColumns, into dx: Matrix) {
        guard let below = c.belowGradient else { preconditionFailure("these columns were made without a gradient below") }
        let (s, g, w, out, ld) = (shape.c, c.gradient.data, weight.data, below.data, Int32(c.ld))
        Self.split(c.ld / 8) { range in
            var s = s
            ffb_local_input_gradient(&s, g, ld, w, out, Int32(8 * range.lowerBound), Int32(8 * range.upperBound))
        }
        dx.setRows(c.rows)
        var shape = s
        ffb_local_unpad_rows(&shape, below.data, ld, Int32(c.rows), dx.data)
    }

    /// Locations or column blocks in contiguous ranges over the compute
    /// threads: each result is computed by one thread in a fixed order, so
    /// the split does not change it.
    static func split(_ count: Int, _ body: (Range<Int>) -> Void) { Chunks.run(count, minimum: 1, body) }

    /// The instruction set the kernels run on ("avx2+fma" or "generic").
    public static var instructionSet: String { String(cString: ffb_local_isa()) }
}

extension Optimizer {
    /// For an optimizer over a `LocalLayer`'s parameters (weight, then bias),
    /// as `addDenseGradient` for a dense layer: dW (+)= the field products
    /// of the map below and dz, db (+)= the column sums of dz; then, with
    /// `below`, dL/d(map below) from the weights before any update.
    func addLocalGradient(_ layer: LocalLayer, columns c: LocalColumns, dz: Matrix, first: Bool, training: Bool,
                          below: Matrix? = nil) {
        let dw = target(0, training: training), db = target(1, training: training)
        layer.loadGradient(dz, into: c)
        layer.addWeightGradient(c, into: dw.matrix, alpha: dw.alpha, beta: dw.beta(first: first))
        Kernels.columnSums(dz, into: db.matrix, alpha: db.alpha, beta: db.beta(first: first))
        if let below { layer.inputGradient(c, into: below) }
    }
}
