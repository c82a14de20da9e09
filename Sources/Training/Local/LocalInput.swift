import Tensor

/// The image as a locally connected stack's first layer reads it: centred
/// on the training set's mean image when one is given, scaled to RMS 1 for
/// FF, zero-padded, and with its channels last (a CIFAR-10 image is stored
/// channel by channel).
final class LocalInput {
    let planar: Bool
    let mean: Matrix?
    /// The batch's images once centred or scaled (the batch itself is never changed).
    let work: Matrix

    init(shape: LocalShape, rows: Int, mean: Matrix?, ledger: Ledger) {
        planar = shape.inChannels > 1
        self.mean = mean
        work = Matrix(rows: rows, cols: shape.inputs, category: .activations, ledger: ledger)
    }

    /// x's images into layer 1's columns; with `rms`, each (centred) image is scaled to RMS 1 first.
    func prepare(_ x: Matrix, into columns: LocalColumns, layer: LocalLayer, rms: UnsafeMutablePointer<Float>? = nil) {
        var source = x
        work.setRows(x.rows)
        if let mean = mean?.data {
            for r in 0..<x.rows {
                let s = x.row(r), d = work.row(r)
                for j in 0..<x.cols { d[j] = s[j] - mean[j] }
            }
            source = work
        }
        if let rms {
            Kernels.rmsNormalizeRows(source, into: work, rms: rms)
            source = work
        }
        layer.load(source, planar: planar, into: columns)
    }
}
