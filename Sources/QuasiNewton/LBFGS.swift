/// A differentiable objective as quasi-Newton methods call it: the loss at `x`, its gradient
/// written to `gradient`.
public typealias ObjectiveFunction<Scalar> = (_ x: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>) ->
    Double

/// The knobs of `LBFGS`, with `torch.optim.LBFGS`'s names and defaults except the history size
/// (10 here, the usual L-BFGS choice; PyTorch's default is 100).
public struct LBFGSSettings: Sendable, Hashable {
    /// Step length multiplier (the first iteration's step is min(1, 1 / |g|_1) * lr).
    public var learningRate = 1.0
    /// Iterations per call of `step`.
    public var maxIterations = 20
    /// Objective evaluations per call of `step`; nil = maxIterations * 5 / 4.
    public var maxEvaluations: Int? = nil
    /// Stop when max_i |g_i| <= this.
    public var toleranceGrad = 1e-7
    /// Stop when the loss or max_i |t d_i| changes less than this.
    public var toleranceChange = 1e-9
    /// Curvature pairs kept.
    public var historySize = 10
    /// Strong-Wolfe line search (true) or a fixed step lr (false).
    public var strongWolfe = true
    /// A curvature pair (s, y) is kept only when y^T s exceeds this. PyTorch hard-codes 1e-10, an
    /// absolute threshold: near a minimizer y^T s ~ lambda |s|^2 falls below it and the history
    /// stops changing, which caps the reachable accuracy (on issue 8's quadratic at a relative error
    /// of about 4e-8). 0 keeps every pair with positive curvature (textbook L-BFGS).
    public var curvatureThreshold = 1e-10

    public init() {}

    var evaluationBudget: Int { maxEvaluations ?? maxIterations * 5 / 4 }
}

/// Limited-memory BFGS with PyTorch's conventions (`torch.optim.LBFGS`, itself after minFunc), so
/// that the same objective and start give the same iterates (checked against a committed PyTorch
/// trajectory to 1e-8).
///
/// Each call of `step(parameters:objective:)` evaluates the objective, then iterates up to
/// `maxIterations` times:
///
///     first iteration ever:  d = -g,  H0 = 1
///     later:   y = g - g_prev,  s = t d_prev;  if y^T s > curvatureThreshold (1e-10) keep (s, y, rho = 1 / y^T s)
///              (dropping the oldest beyond `historySize`) and H0 = y^T s / y^T y;
///              d = -H g by the two-loop recursion:
///                q = -g;  for i newest..oldest: a_i = rho_i s_i^T q,  q -= a_i y_i
///                r = H0 q;  for i oldest..newest: b_i = rho_i y_i^T r,  r += (a_i - b_i) s_i;  d = r
///     step:    t = min(1, 1 / |g|_1) lr on the very first iteration, else lr; stop if g^T d > -tolChange
///              strong Wolfe: t from `StrongWolfeLineSearch` (budget: the evaluations left)
///              x += t d  (without line search: then re-evaluate, except after the last iteration)
///     stop:    max iterations, evaluation budget, max|g| <= tolGrad, max|t d| <= tolChange,
///              or |loss - previous loss| < tolChange.
///
/// The direction, step, curvature pairs and previous gradient persist between calls (as in
/// PyTorch), so a minibatch driver builds one history across minibatches. `step` returns the loss
/// at the parameters it started from. Scalars (dot products, rho, H0) are computed in Float64.
public final class LBFGS<Scalar: QuasiNewtonScalar> {
    public let settings: LBFGSSettings
    public let count: Int
    /// Objective evaluations made so far (all calls).
    public private(set) var functionEvaluations = 0
    /// Iterations made so far (all calls).
    public private(set) var iterations = 0

    let gradient: FlatVector<Scalar>
    let previousGradient: FlatVector<Scalar>
    let direction: FlatVector<Scalar>
    let start: FlatVector<Scalar>
    let trial: FlatVector<Scalar>
    let scratch: [FlatVector<Scalar>]
    var workY: FlatVector<Scalar>
    var workS: FlatVector<Scalar>
    var pairsY: [FlatVector<Scalar>] = []
    var pairsS: [FlatVector<Scalar>] = []
    var rho: [Double] = []
    var alpha: [Double]
    var diagonal = 1.0
    var stepLength = 0.0
    var previousLoss = 0.0

    public init(count: Int, settings: LBFGSSettings) {
        precondition(
            settings.historySize >= 1 && settings.maxIterations >= 1, "L-BFGS needs history-size and max-iter >= 1")
        self.count = count
        self.settings = settings
        gradient = FlatVector(count: count)
        previousGradient = FlatVector(count: count)
        direction = FlatVector(count: count)
        start = FlatVector(count: count)
        trial = FlatVector(count: count)
        scratch = (0..<3).map { _ in FlatVector(count: count) }
        workY = FlatVector(count: count)
        workS = FlatVector(count: count)
        alpha = [Double](repeating: 0, count: settings.historySize)
    }

    /// Bytes L-BFGS holds at most: 9 working vectors and 2 per curvature pair.
    public static func memoryBytes(count: Int, settings: LBFGSSettings) -> Int {
        (9 + 2 * settings.historySize) * count * MemoryLayout<Scalar>.stride
    }

    /// One PyTorch `step(closure)`: up to `maxIterations` iterations from `parameters` (updated in
    /// place). Returns the loss at the starting point.
    public func step(parameters x: UnsafeMutablePointer<Scalar>, objective: ObjectiveFunction<Scalar>) -> Double {
        let s = settings
        let originalLoss = objective(UnsafePointer(x), gradient.pointer)
        var loss = originalLoss
        var evaluations = 1
        functionEvaluations += 1
        if gradient.maximumMagnitude <= s.toleranceGrad { return originalLoss }

        var iteration = 0
        while iteration < s.maxIterations {
            iteration += 1
            iterations += 1
            if iterations == 1 {
                direction.copy(from: gradient)
                Scalar.scale(count, -1, direction.pointer)
                pairsY.removeAll()
                pairsS.removeAll()
                rho.removeAll()
                diagonal = 1
            } else {
                updateHistory()
                twoLoopDirection()
            }
            previousGradient.copy(from: gradient)
            previousLoss = loss
            stepLength = iterations == 1 ? min(1, 1 / gradient.sumOfMagnitudes) * s.learningRate : s.learningRate
            let slope = gradient.dot(direction)
            if slope > -s.toleranceChange { break }

            var lineEvaluations = 0
            var optimal = false
            if s.strongWolfe {
                start.copy(from: UnsafePointer(x))
                var search = StrongWolfeLineSearch<Scalar>()
                search.toleranceChange = s.toleranceChange
                search.maxEvaluations = s.evaluationBudget - evaluations
                let result = search.search(
                    t: stepLength, direction: direction, loss: loss, gradient: gradient, slope: slope,
                    scratch: scratch
                ) { t, g in
                    trial.copy(from: start)
                    trial.add(t, direction)
                    return objective(UnsafePointer(trial.pointer), g.pointer)
                }
                loss = result.loss
                stepLength = result.step
                lineEvaluations = result.evaluations
                Scalar.axpy(count, stepLength, direction.pointer, x)
                optimal = gradient.maximumMagnitude <= s.toleranceGrad
            } else {
                Scalar.axpy(count, stepLength, direction.pointer, x)
                if iteration != s.maxIterations {
                    loss = objective(UnsafePointer(x), gradient.pointer)
                    optimal = gradient.maximumMagnitude <= s.toleranceGrad
                    lineEvaluations = 1
                }
            }
            evaluations += lineEvaluations
            functionEvaluations += lineEvaluations

            if iteration == s.maxIterations || evaluations >= s.evaluationBudget || optimal { break }
            if abs(stepLength) * direction.maximumMagnitude <= s.toleranceChange { break }
            if abs(loss - previousLoss) < s.toleranceChange { break }
        }
        return originalLoss
    }

    /// y = g - g_prev, s = t d; kept when y^T s > 1e-10.
    func updateHistory() {
        workY.assignDifference(gradient, previousGradient)
        workS.assignScaled(direction, by: stepLength)
        let ys = workY.dot(workS)
        guard ys > settings.curvatureThreshold else { return }
        let recycledY: FlatVector<Scalar>, recycledS: FlatVector<Scalar>
        if pairsY.count == settings.historySize {
            recycledY = pairsY.removeFirst()
            recycledS = pairsS.removeFirst()
            rho.removeFirst()
        } else {
            recycledY = FlatVector(count: count)
            recycledS = FlatVector(count: count)
        }
        pairsY.append(workY)
        pairsS.append(workS)
        rho.append(1 / ys)
        diagonal = ys / workY.dot(workY)
        workY = recycledY
        workS = recycledS
    }

    /// d = -H g by the two-loop recursion.
    func twoLoopDirection() {
        direction.copy(from: gradient)
        Scalar.scale(count, -1, direction.pointer)
        for i in stride(from: pairsY.count - 1, through: 0, by: -1) {
            alpha[i] = pairsS[i].dot(direction) * rho[i]
            direction.add(-alpha[i], pairsY[i])
        }
        Scalar.scale(count, diagonal, direction.pointer)
        for i in 0..<pairsY.count {
            let beta = pairsY[i].dot(direction) * rho[i]
            direction.add(alpha[i] - beta, pairsS[i])
        }
    }
}
