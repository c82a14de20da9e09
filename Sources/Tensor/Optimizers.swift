import Foundation

/// A parameter tensor and the gradient accumulated for it.
public final class Parameter {
    public let value: Matrix
    /// Whether weight decay applies (usually not to biases).
    public let decays: Bool
    private let ledger: Ledger
    private var storedGradient: Matrix?

    /// A parameter with its own gradient buffer.
    public init(value: Matrix, gradient: Matrix, decays: Bool) {
        precondition(value.rows == gradient.rows && value.cols == gradient.cols, "gradient shape differs")
        self.value = value
        self.decays = decays
        ledger = .shared
        storedGradient = gradient
    }

    /// A parameter whose gradient buffer is allocated (in `ledger`) on
    /// first use: training with SGD adds gradients into the optimizer's
    /// state instead, so it never holds this buffer.
    public init(value: Matrix, decays: Bool, ledger: Ledger) {
        self.value = value
        self.decays = decays
        self.ledger = ledger
    }

    public var gradient: Matrix {
        if let g = storedGradient { return g }
        let g = Matrix(rows: value.rows, cols: value.cols, category: .gradients, ledger: ledger)
        storedGradient = g
        return g
    }
}

/// Where a training step adds a parameter's gradient g:
/// `matrix = alpha * g + beta * matrix`, with `firstBeta` for the step's
/// first contribution and 1 for later ones (FF adds two streams).
public struct GradientTarget {
    public let matrix: Matrix
    public let alpha: Float
    public let firstBeta: Float

    public init(matrix: Matrix, alpha: Float = 1, firstBeta: Float = 0) {
        self.matrix = matrix
        self.alpha = alpha
        self.firstBeta = firstBeta
    }

    /// The parameter's own gradient buffer, overwritten by the first contribution.
    public static func gradient(of p: Parameter) -> GradientTarget { GradientTarget(matrix: p.gradient) }

    public func beta(first: Bool) -> Float { first ? firstBeta : 1 }
}

/// Updates parameters from their gradients. State lives in `optimizer`
/// tensors allocated once, at construction.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    /// Updates from the gradients in `parameters[i].gradient`.
    func step(learningRate: Float)
    /// Where a training step should add parameter i's gradient so that
    /// `stepFromTargets` applies it; it may be the optimizer's own state,
    /// which saves a pass over memory.
    func target(_ i: Int) -> GradientTarget
    /// Updates from the gradients added to every `target(i)` this step.
    func stepFromTargets(learningRate: Float)
}

extension Optimizer {
    /// Where a step adds parameter i's gradient: the optimizer's target when
    /// training, else the parameter's own gradient buffer (for inspection).
    public func target(_ i: Int, training: Bool) -> GradientTarget {
        training ? target(i) : .gradient(of: parameters[i])
    }
}

/// SGD with momentum and weight decay.
///
/// v = momentum * v + (1 - dampening) * g', w -= lr * v' where
/// - `.inGradient` decay (the usual L2): g' = g + wd * w and v' = v;
/// - `.separate` decay (Hinton's FF code): g' = g and v' = v + wd * w, so the
///   decay is not smoothed by the momentum.
/// dampening = momentum gives Hinton's exponentially smoothed gradient
/// ("delay"): v = 0.9 v + 0.1 g.
///
/// The state holds momentum * v, scaled at the end of each step, so a
/// training step can let the weight-gradient GEMM add (1 - dampening) * g
/// straight into it with beta = 1: no gradient buffer to zero, write and
/// read back. The arithmetic of `step` is unchanged by this.
public final class SGD: Optimizer {
    public enum DecayStyle: String, Sendable, Codable { case inGradient = "in-gradient", separate }

    public let parameters: [Parameter]
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let decayStyle: DecayStyle
    /// momentum * v of the last step.
    private let velocity: [Matrix]

    public init(parameters: [Parameter], momentum: Float, weightDecay: Float, dampening: Float = 0,
                decayStyle: DecayStyle = .inGradient, ledger: Ledger = .shared) {
        self.parameters = parameters
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.decayStyle = decayStyle
        velocity = parameters.map { Matrix(rows: $0.value.rows, cols: $0.value.cols, category: .optimizer, ledger: ledger) }
    }

    public func target(_ i: Int) -> GradientTarget {
        GradientTarget(matrix: velocity[i], alpha: 1 - dampening, firstBeta: 1)
    }

    /// momentum × v after the last step, per parameter (to check another implementation's gradients).
    public var momentumState: [Matrix] { velocity }

    public func step(learningRate lr: Float) { update(learningRate: lr, fromTargets: false) }

    public func stepFromTargets(learningRate lr: Float) { update(learningRate: lr, fromTargets: true) }

    /// With `fromTargets` the state already holds momentum * v + (1 - dampening) * g.
    private func update(learningRate lr: Float, fromTargets: Bool) {
        let mu = momentum, keep = 1 - dampening
        for (p, u) in zip(parameters, velocity) {
            let w = p.value.data, ud = u.data
            let g = fromTargets ? nil : Optional(p.gradient.data)
            let wd = p.decays ? weightDecay : 0
            let style = decayStyle
            Chunks.run(p.value.count) { range in
                switch (style, g) {
                case (.inGradient, let g?):
                    for i in range {
                        let vi = ud[i] + keep * (g[i] + wd * w[i])
                        ud[i] = mu * vi
                        w[i] -= lr * vi
                    }
                case (.inGradient, nil):
                    for i in range {
                        let vi = ud[i] + keep * wd * w[i]
                        ud[i] = mu * vi
                        w[i] -= lr * vi
                    }
                case (.separate, let g?):
                    for i in range {
                        let vi = ud[i] + keep * g[i]
                        ud[i] = mu * vi
                        w[i] -= lr * (vi + wd * w[i])
                    }
                case (.separate, nil):
                    for i in range {
                        let vi = ud[i]
                        ud[i] = mu * vi
                        w[i] -= lr * (vi + wd * w[i])
                    }
                }
            }
        }
    }
}

/// Adam (Kingma & Ba) with bias correction and L2 weight decay added to the
/// gradient (the classic, coupled form).
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private let firstMoment: [Matrix]
    private let secondMoment: [Matrix]
    public private(set) var stepCount = 0

    public init(parameters: [Parameter], beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, ledger: Ledger = .shared) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = parameters.map { Matrix(rows: $0.value.rows, cols: $0.value.cols, category: .optimizer, ledger: ledger) }
        secondMoment = parameters.map { Matrix(rows: $0.value.rows, cols: $0.value.cols, category: .optimizer, ledger: ledger) }
    }

    public func target(_ i: Int) -> GradientTarget { .gradient(of: parameters[i]) }

    public func stepFromTargets(learningRate lr: Float) { step(learningRate: lr) }

    public func step(learningRate lr: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 / (1 - powf(beta1, t))
        let c2 = 1 / (1 - powf(beta2, t))
        let b1 = beta1, b2 = beta2, eps = epsilon
        for (i, p) in parameters.enumerated() {
            let w = p.value.data, g = p.gradient.data
            let m = firstMoment[i].data, v = secondMoment[i].data
            let wd = p.decays ? weightDecay : 0
            Chunks.run(p.value.count) { range in
                for j in range {
                    let gj = g[j] + wd * w[j]
                    let mj = b1 * m[j] + (1 - b1) * gj
                    let vj = b2 * v[j] + (1 - b2) * gj * gj
                    m[j] = mj
                    v[j] = vj
                    w[j] -= lr * (mj * c1) / ((vj * c2).squareRoot() + eps)
                }
            }
        }
    }
}
