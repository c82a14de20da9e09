import Foundation

/// A parameter tensor and the gradient accumulated for it.
public struct Parameter {
    public let value: Matrix
    public let gradient: Matrix
    /// Whether weight decay applies (usually not to biases).
    public let decays: Bool

    public init(value: Matrix, gradient: Matrix, decays: Bool) {
        precondition(value.rows == gradient.rows && value.cols == gradient.cols, "gradient shape differs")
        self.value = value
        self.gradient = gradient
        self.decays = decays
    }
}

/// Updates parameters from their gradients. State lives in `optimizer`
/// tensors allocated once, at construction.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    func step(learningRate: Float)
}

/// SGD with momentum and weight decay.
///
/// v = momentum * v + (1 - dampening) * g', w -= lr * v' where
/// - `.inGradient` decay (the usual L2): g' = g + wd * w and v' = v;
/// - `.separate` decay (Hinton's FF code): g' = g and v' = v + wd * w, so the
///   decay is not smoothed by the momentum.
/// dampening = momentum gives Hinton's exponentially smoothed gradient
/// ("delay"): v = 0.9 v + 0.1 g.
public final class SGD: Optimizer {
    public enum DecayStyle: String, Sendable, Codable { case inGradient = "in-gradient", separate }

    public let parameters: [Parameter]
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let decayStyle: DecayStyle
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

    public func step(learningRate lr: Float) {
        let mu = momentum, keep = 1 - dampening
        for (p, v) in zip(parameters, velocity) {
            let w = p.value.data, g = p.gradient.data, vd = v.data
            let wd = p.decays ? weightDecay : 0
            let style = decayStyle
            Chunks.run(p.value.count) { range in
                switch style {
                case .inGradient:
                    for i in range {
                        let vi = mu * vd[i] + keep * (g[i] + wd * w[i])
                        vd[i] = vi
                        w[i] -= lr * vi
                    }
                case .separate:
                    for i in range {
                        let vi = mu * vd[i] + keep * g[i]
                        vd[i] = vi
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

/// Splits elementwise work over the threads `BLAS.setThreads` allows: an
/// optimizer step streams every parameter, its gradient and its state
/// through memory, and one core cannot saturate the memory bus. Small
/// arrays run inline; results do not depend on the split (each element is
/// updated by itself).
enum Chunks {
    static let minimum = 1 << 18

    static func run(_ count: Int, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threads, count / minimum)
        guard threads > 1 else { body(0..<count); return }
        let size = (count + threads - 1) / threads
        withoutActuallyEscaping(body) { escapable in
            // Each chunk touches only its own elements.
            nonisolated(unsafe) let chunk = escapable
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                chunk(t * size..<min(count, (t + 1) * size))
            }
        }
    }
}

