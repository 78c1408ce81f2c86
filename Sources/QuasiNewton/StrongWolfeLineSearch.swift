/// The strong-Wolfe line search of `torch.optim.LBFGS` (after minFunc; Nocedal & Wright, Numerical
/// Optimization, Algorithms 3.5 and 3.6), so that our L-BFGS iterates follow PyTorch's.
///
/// Along direction d from x with loss f and slope g^T d < 0, find t with
///     f(x + t d) <= f + c1 t g^T d                  (sufficient decrease, c1 = 1e-4)
///     |grad f(x + t d)^T d| <= c2 |g^T d|           (strong curvature, c2 = 0.9)
/// Phase 1 (bracketing) extrapolates by cubic interpolation within [t + 0.01 (t - t_prev), 10 t];
/// phase 2 (zoom) interpolates inside the bracket, forcing points at least 10% of the bracket away
/// from its ends after an insufficient-progress step, and stops when the bracket is shorter than
/// `toleranceChange / max|d|`. At most `maxEvaluations` evaluations; the result is the bracket's
/// lower end (its loss and gradient are returned with it).
public struct StrongWolfeLineSearch<Scalar: QuasiNewtonScalar> {
    var c1 = 1e-4
    var c2 = 0.9
    var toleranceChange = 1e-9
    var maxEvaluations = 25

    struct Result {
        var loss: Double
        var step: Double
        var evaluations: Int
    }

    /// The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`
    /// (default: the interval between x1 and x2); the bounds' midpoint when the cubic has no minimum.
    public static func cubicMinimum(
        _ x1: Double, _ f1: Double, _ g1: Double, _ x2: Double, _ f2: Double, _ g2: Double,
        bounds: (Double, Double)? = nil
    ) -> Double {
        let (lower, upper) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
        let d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2
        guard d2Square >= 0 else { return (lower + upper) / 2 }
        let d2 = d2Square.squareRoot()
        let position =
            x1 <= x2
            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(position, lower), upper)
    }

    /// Searches from loss `f` with gradient `g` along `d` starting at step `t`. `evaluate(t, gradient)`
    /// returns the loss at x + t d and writes its gradient. On return `g` holds the gradient at the
    /// chosen step. `scratch` holds 3 vectors of the parameters' length.
    func search(
        t initialStep: Double, direction d: FlatVector<Scalar>, loss f: Double, gradient g: FlatVector<Scalar>,
        slope gtd: Double, scratch: [FlatVector<Scalar>],
        evaluate: (Double, FlatVector<Scalar>) -> Double
    ) -> Result {
        var t = initialStep
        let dNorm = d.maximumMagnitude
        // Buffers: the newest gradient, the previous trial's, and the two bracket ends' (bracket end 0
        // reuses `previous` or `g`; copies keep the semantics of PyTorch's clones).
        let newest = scratch[0], previous = scratch[1], other = scratch[2]
        var fNew = evaluate(t, newest)
        var evaluations = 1
        var gtdNew = newest.dot(d)
        var tPrev = 0.0, fPrev = f, gtdPrev = gtd
        previous.copy(from: g)
        var done = false
        var iteration = 0
        // Bracket: steps, losses, slopes; gradients in bracketGradient (index 0 -> `g`, 1 -> `other`).
        var bracket: [Double] = [], bracketLoss: [Double] = [], bracketSlope: [Double] = []
        let bracketGradient = [g, other]
        while iteration < maxEvaluations {
            if fNew > f + c1 * t * gtd || (iteration > 1 && fNew >= fPrev) {
                bracket = [tPrev, t]
                bracketLoss = [fPrev, fNew]
                bracketSlope = [gtdPrev, gtdNew]
                g.copy(from: previous)
                other.copy(from: newest)
                break
            }
            if abs(gtdNew) <= -c2 * gtd {
                bracket = [t]
                bracketLoss = [fNew]
                bracketSlope = [gtdNew]
                g.copy(from: newest)
                done = true
                break
            }
            if gtdNew >= 0 {
                bracket = [tPrev, t]
                bracketLoss = [fPrev, fNew]
                bracketSlope = [gtdPrev, gtdNew]
                g.copy(from: previous)
                other.copy(from: newest)
                break
            }
            let minStep = t + 0.01 * (t - tPrev), maxStep = t * 10
            let current = t
            t = Self.cubicMinimum(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, bounds: (minStep, maxStep))
            tPrev = current
            fPrev = fNew
            gtdPrev = gtdNew
            previous.copy(from: newest)
            fNew = evaluate(t, newest)
            evaluations += 1
            gtdNew = newest.dot(d)
            iteration += 1
        }
        if iteration == maxEvaluations {
            // Out of evaluations while bracketing: between the start and the last trial.
            bracket = [0, t]
            bracketLoss = [f, fNew]
            bracketSlope = [gtd, gtdNew]
            // `g` still holds the starting gradient: bracketing never wrote it.
            other.copy(from: newest)
        }
        var insufficientProgress = false
        var (low, high) = bracketLoss[0] <= bracketLoss[bracketLoss.count - 1] ? (0, 1) : (1, 0)
        while !done && iteration < maxEvaluations {
            if abs(bracket[1] - bracket[0]) * dNorm < toleranceChange { break }
            t = Self.cubicMinimum(
                bracket[0], bracketLoss[0], bracketSlope[0], bracket[1], bracketLoss[1], bracketSlope[1])
            let upper = max(bracket[0], bracket[1]), lower = min(bracket[0], bracket[1])
            let margin = 0.1 * (upper - lower)
            if min(upper - t, t - lower) < margin {
                if insufficientProgress || t >= upper || t <= lower {
                    t = abs(t - upper) < abs(t - lower) ? upper - margin : lower + margin
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            fNew = evaluate(t, newest)
            evaluations += 1
            gtdNew = newest.dot(d)
            iteration += 1
            if fNew > f + c1 * t * gtd || fNew >= bracketLoss[low] {
                bracket[high] = t
                bracketLoss[high] = fNew
                bracketSlope[high] = gtdNew
                bracketGradient[high].copy(from: newest)
                (low, high) = bracketLoss[0] <= bracketLoss[1] ? (0, 1) : (1, 0)
            } else {
                if abs(gtdNew) <= -c2 * gtd {
                    done = true
                } else if gtdNew * (bracket[high] - bracket[low]) >= 0 {
                    bracket[high] = bracket[low]
                    bracketLoss[high] = bracketLoss[low]
                    bracketSlope[high] = bracketSlope[low]
                    bracketGradient[high].copy(from: bracketGradient[low])
                }
                bracket[low] = t
                bracketLoss[low] = fNew
                bracketSlope[low] = gtdNew
                bracketGradient[low].copy(from: newest)
            }
        }
        if low == 1 { g.copy(from: other) }
        return Result(loss: bracketLoss[low], step: bracket[low], evaluations: evaluations)
    }
}
