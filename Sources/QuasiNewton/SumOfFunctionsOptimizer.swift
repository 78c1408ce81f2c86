/// SFO, the Sum of Functions Optimizer (Sohl-Dickstein, Poole & Ganguli, "Fast large-scale
/// optimization by unifying stochastic gradient and quasi-Newton methods", ICML 2014), for
/// F(x) = sum_{i=1..N} f_i(x) over a fixed partition of the data into N subfunctions.
///
/// Each subfunction keeps a quadratic model G_i (see `SubfunctionModel`) from its last evaluation
/// x_i, all expressed in one shared subspace (`OrthonormalSubspace`, spanned by the initial point
/// and every evaluated gradient). The rules follow the authors' reference implementation (sfo.py)
/// where the paper leaves them open; docs/OPTIMIZERS.md lists each with its source, and
/// SFOReferenceTests replays the reference's trajectory step by step. One iteration:
///
/// 1. Choose j: an active subfunction with one evaluation (lowest index), else one with none (at
///    random); else by `settings.selection` — by default a fair coin between the active
///    subfunction farthest from x in the summed metric, argmax_i (x - x_i)^T H (x - x_i) (paper
///    §3.3; when every active one has been evaluated at x, activate a new one), and the one
///    farthest in its own metric, argmax_i (x - x_i)^T H_i (x - x_i).
/// 2. Evaluate f_j(x), f_j'(x) (every evaluation counts and adds its gradient to the subspace).
///    Step-failure guard (paper §3.6; `isFailure`): a non-finite value, a first evaluation above
///    mean + 3 sd of the subfunctions evaluated at least twice, or a rise beyond the model G_j(x) by
///    more than the improvement the last step predicted for the other subfunctions. On failure the
///    step scale halves, f_j is evaluated at the previous point, the new point is backed off
///    towards it while it is >10x off the model, and SFO keeps whichever of the two is lower (the
///    other still adds a curvature pair). Otherwise the scale relaxes, s <- 1/N + s (1 - 1/N);
///    it never drops below 1e-5.
/// 3. The subspace collapses when K_max columns are used: the new basis spans every active
///    subfunction's last position and gradient, the current point and the new gradient, filled
///    with random directions to K_min = K_max / 1.5.
/// 4. Record (s, y) = (x - x_j, f_j'(x) - f_j'(x_j)) in j's history (at most L pairs) and rebuild
///    H_j (paper §3.4): work in an orthonormal basis of the history; beta_j = the smallest of the
///    L largest singular values of Y S^+ (an estimate of the curvature scale), bounded below by
///    its largest / `maxEigenvalueRatio`; then BFGS from beta_j I through the pairs, oldest first,
///        B <- B - B s s^T B / (s^T B s) + y y^T / (y^T s)
///    (pairs normalised by |s|, whatever the signs); eigenvalues of B below
///    max|eig| / `maxEigenvalueRatio` are replaced by the median positive eigenvalue, so H_j is
///    positive definite. A subfunction without history takes beta = median eigenvalue of H /
///    (active count).
/// 5. Step to the minimum of sum_i G_i (paper eq. 4), in the subspace:
///        H = sum_i H_i,   g = sum_i [f_i'(x_i) + H_i (x - x_i)],   x <- x - s H^-1 g
///    (Cholesky; when roundoff makes H indefinite, its eigenvalues are clamped as in step 4),
///    lengthened to at least `minimumStepLength` and, after the first N evaluations, shortened to
///    at most `maxStepLengthRatio` times the average distance travelled per evaluation.
/// 6. Grow the active set (paper §3.2; starts with `initialSubfunctions`, beta = `hessianInit`)
///    when the gradient's standard error across active subfunctions, in the H^-1 metric, reaches
///    `maxGradientNoise` times the mean gradient's, after a failed step, or after as many
///    iterations as there are active subfunctions, once every active one has 2 evaluations.
///
/// Memory: the subspace basis is M x K_max in the parameters' type, and each subfunction holds
/// about (2 + 4L) K_max Float64 values: `memoryBytes` gives the total before anything is allocated.
/// Full-space work per iteration is two Gram-Schmidt passes over the basis and one projection;
/// the subspace work is O(K^3) (the Newton solve) plus O(N K r) for the summed gradient.
public final class SumOfFunctionsOptimizer<Scalar: QuasiNewtonScalar> {
    /// The loss of subfunction `index` at `x`; its gradient goes to `gradient`.
    public typealias Subfunction = (_ index: Int, _ x: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>)
        -> Double

    public let count: Int
    public let subfunctionCount: Int
    public let settings: SFOSettings
    /// Subfunction evaluations so far.
    public private(set) var evaluations = 0
    public private(set) var iterations = 0
    public private(set) var failedSteps = 0
    public private(set) var collapses = 0
    /// The subfunction the last iteration chose.
    public private(set) var lastSubfunction = -1
    public var activeCount: Int { models.reduce(0) { $0 + ($1.active ? 1 : 0) } }
    public var subspaceDimension: Int { subspace.dimension }

    let capacity: Int
    let subspace: OrthonormalSubspace<Scalar>
    var models: [SubfunctionModel]
    /// sum_i Q_i C_i Q_i^T (K_max x K_max); the beta_i I parts are added when needed.
    var lowRankTotal: [Double]
    let priorPosition: FlatVector<Scalar>
    let gradient: FlatVector<Scalar>
    let priorGradient: FlatVector<Scalar>
    var stepScale = 1.0
    var predictedImprovement = 0.0
    var iterationsSinceGrowth = 0
    /// Path length travelled (for the step-length cap).
    var totalDistance = 0.0
    /// Subspace coordinates of the current point and of the previous one.
    var current: [Double]
    var prior: [Double]
    var cyclicPosition = 0
    /// SFO's random choices (`SFOChoices`): from the run's seed, or the reference's under a
    /// deterministic patch.
    var choices: SFOChoices
    /// Below this a predicted change, a distance or a step length counts as zero.
    let tolerance = 1e-12
    /// The smallest step scale: shorter steps carry no usable curvature.
    static var minimumStepScale: Double { 1e-5 }

    /// Bytes SFO allocates for M parameters and N subfunctions (the estimate runs are refused by): the
    /// basis, full-length working vectors (counted as 6; 4 are allocated) and the subfunction models.
    public static func memoryBytes(parameters m: Int, subfunctions n: Int, settings: SFOSettings) -> Int {
        let k = settings.subspaceCapacity(subfunctions: n, parameters: m)
        return OrthonormalSubspace<Scalar>.bytes(count: m, capacity: k) + 6 * m * MemoryLayout<Scalar>.stride
            + n * SubfunctionModel.bytes(dimension: k, maxHistory: settings.maxHistory)
            + 4 * k * k * MemoryLayout<Double>.stride
    }

    public convenience init(
        parameters x: UnsafePointer<Scalar>, count: Int, subfunctions: Int, settings: SFOSettings, seed: UInt64
    ) {
        self.init(parameters: x, count: count, subfunctions: subfunctions, settings: settings, choices: .seeded(seed))
    }

    public init(
        parameters x: UnsafePointer<Scalar>, count: Int, subfunctions: Int, settings: SFOSettings,
        choices: SFOChoices
    ) {
        precondition(subfunctions >= 1 && count >= 1, "SFO needs at least one subfunction and one parameter")
        self.count = count
        subfunctionCount = subfunctions
        self.settings = settings
        let k = settings.subspaceCapacity(subfunctions: subfunctions, parameters: count)
        capacity = k
        self.choices = choices
        subspace = OrthonormalSubspace(count: count, capacity: capacity, initial: x, choices: &self.choices)
        let start = subspace.project(x)
        models = (0..<subfunctions).map { _ in SubfunctionModel(dimension: k, position: start) }
        lowRankTotal = [Double](repeating: 0, count: k * k)
        priorPosition = FlatVector(count: count)
        priorPosition.copy(from: x)
        current = start
        prior = start
        gradient = FlatVector(count: count)
        priorGradient = FlatVector(count: count)
        for i in self.choices.sample(max(1, settings.initialSubfunctions), of: subfunctions) {
            models[i].active = true
            models[i].beta = settings.hessianInit
            models[i].largestEigenvalue = settings.hessianInit
        }
    }

    /// One SFO iteration from `x` (updated in place). Returns the chosen subfunction's loss at the
    /// point SFO keeps (the previous point after a failed step).
    public func step(parameters x: UnsafeMutablePointer<Scalar>, subfunction f: Subfunction) -> Double {
        iterations += 1
        // Subspace coordinates are carried along rather than recomputed: x's (`current`, kept up to
        // date by every step and collapse) and the previous point's. Each projection would be a pass
        // over the M x K basis.
        let j = chooseSubfunction(at: current)
        lastSubfunction = j
        var none: [[Double]] = []
        var (loss, g) = evaluate(f, j, at: x, into: gradient, x: x, carrying: &none)
        var extra: (position: [Double], gradient: [Double], loss: Double)? = nil
        let failed = isFailure(j, loss: loss, finite: g != nil, at: current)
        if failed {
            failedSteps += 1
            stepScale /= 2
            var carried = [g ?? []]
            var (priorLoss, priorG) = evaluate(
                f, j, at: priorPosition.pointer, into: priorGradient, x: x, carrying: &carried)
            if g != nil { g = carried[0] }
            // Back off towards the previous point while the new value is more than 10x the model's
            // predicted change away: x <- 0.99 x_prior + 0.01 x.
            let model = models[j]
            var predictedChange =
                model.loss.isFinite ? abs(model.predictedLoss(at: current) - model.loss) : abs(loss - priorLoss)
            if !predictedChange.isFinite || predictedChange < tolerance { predictedChange = tolerance }
            var shrinks = 0
            while shrinks < 10, !(loss - priorLoss < 10 * predictedChange) {
                for i in 0..<count { x[i] = Scalar(0.99) * priorPosition.pointer[i] + Scalar(0.01) * x[i] }
                for k in 0..<capacity { current[k] = 0.99 * prior[k] + 0.01 * current[k] }
                var kept = [priorG ?? []]
                (loss, g) = evaluate(f, j, at: x, into: gradient, x: x, carrying: &kept)
                if priorG != nil { priorG = kept[0] }
                shrinks += 1
            }
            if loss < priorLoss {
                // The (backed-off) new point is better after all: stay; the previous point still
                // adds a curvature pair.
                if let priorG { extra = (prior, priorG, priorLoss) }
            } else {
                if loss.isFinite, let g { extra = (current, g, loss) }
                x.update(from: priorPosition.pointer, count: count)
                loss = priorLoss
                g = priorG
                current = prior
            }
        } else {
            relaxStepScale()
        }
        stepScale = max(stepScale, Self.minimumStepScale)

        models[j].accumulateLowRank(into: &lowRankTotal, sign: -1)
        if let extra { record(j, position: extra.position, gradient: extra.gradient, loss: extra.loss) }
        if let g { record(j, position: current, gradient: g, loss: loss) }
        updateCurvature(j)
        models[j].accumulateLowRank(into: &lowRankTotal, sign: 1)

        totalDistance += DenseMatrix.norm(zip(current, prior).map { $0 - $1 })
        takeNewtonStep(from: current, x: x, failed: failed)
        return loss
    }

    /// Step 4's bookkeeping (sfo.py's `update_history`): an evaluation of subfunction j becomes its
    /// last one, and the change since the previous one joins its history.
    func record(_ j: Int, position: [Double], gradient g: [Double], loss: Double) {
        models[j].recordChange(position: position, gradient: g, maxHistory: settings.maxHistory, tolerance: tolerance)
        models[j].position = position
        models[j].gradient = g
        models[j].loss = loss
    }

    func relaxStepScale() {
        let n = Double(subfunctionCount)
        stepScale = 1 / n + stepScale * (1 - 1 / n)
    }

    /// f_j and its gradient at `point`, counted (sfo.py's `f_df_wrapper`): the gradient joins the
    /// subspace at once and its coordinates are returned (nil when it is not finite). `x` is the
    /// current point, re-projected if the subspace collapses; `carried` coordinates are mapped.
    func evaluate(
        _ f: Subfunction, _ j: Int, at point: UnsafePointer<Scalar>, into g: FlatVector<Scalar>,
        x: UnsafePointer<Scalar>, carrying carried: inout [[Double]]
    ) -> (Double, [Double]?) {
        evaluations += 1
        models[j].evaluations += 1
        let loss = f(j, point, g.pointer)
        guard g.isFinite else { return (loss, nil) }
        return (loss, addToSubspace(g.pointer, current: x, carrying: &carried))
    }

    /// Step 1 (sfo.py's `get_target_index`).
    func chooseSubfunction(at position: [Double]) -> Int {
        let active = models.indices.filter { models[$0].active }
        // A second evaluation first, so that every active subfunction soon has a curvature pair.
        if let j = active.first(where: { models[$0].evaluations == 1 }) { return j }
        let young = active.filter { models[$0].evaluations < 2 }
        if !young.isEmpty { return choices.pick(young) }
        var selection = settings.selection
        if selection == .distanceBoth { selection = choices.flip() ? .distance : .singleDistance }
        switch selection {
        case .random: return choices.pick(active)
        case .cyclic:
            let j = active[cyclicPosition % active.count]
            cyclicPosition = (cyclicPosition + 1) % active.count
            return j
        case .singleDistance:
            var best = active[0], bestDistance = -1.0
            for i in active {
                let d = zip(position, models[i].position).map { $0 - $1 }
                let distance = DenseMatrix.dot(d[...], models[i].hessianTimes(d)[...])
                if distance > bestDistance {
                    best = i
                    bestDistance = distance
                }
            }
            return best
        case .distance, .distanceBoth:
            let h = summedHessian()
            var best = active[0], bestDistance = -Double.infinity
            for i in active {
                let d = zip(position, models[i].position).map { $0 - $1 }
                let distance = DenseMatrix.dot(d[...], DenseMatrix.multiply(h, d, m: capacity, n: 1, k: capacity)[...])
                if distance > bestDistance {
                    best = i
                    bestDistance = distance
                }
            }
            let inactive = models.indices.filter { !models[$0].active }
            if bestDistance < tolerance, !inactive.isEmpty, models[best].evaluations > 0 {
                let j = choices.pick(inactive)
                models[j].active = true
                return j
            }
            return best
        }
    }

    /// Step 2's test (sfo.py's `handle_step_failure`): is the step a failure? Non-finite values; a
    /// subfunction's first value above mean + 3 sd (population) of the last values of the
    /// subfunctions evaluated at least twice; or a rise beyond the model's prediction by more than
    /// the improvement the step predicted for the other subfunctions,
    ///     f_j(x) - G_j(x) > 1/2 dx^T H dx - (f_j(x_j) - G_j(x)).
    func isFailure(_ j: Int, loss: Double, finite: Bool, at position: [Double]) -> Bool {
        if !loss.isFinite || !finite { return true }
        let model = models[j]
        if model.evaluations == 1 {
            let known = models.filter { $0.evaluations > 1 }.map(\.loss)
            guard !known.isEmpty else { return false }
            let mean = known.reduce(0, +) / Double(known.count)
            let sd = (known.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(known.count)).squareRoot()
            return loss > mean + 3 * sd
        }
        guard loss > model.loss else { return false }
        let predicted = model.predictedLoss(at: position)
        let othersImprovement = predictedImprovement - (model.loss - predicted)
        return loss - predicted > othersImprovement
    }

    /// Step 3: adds `direction` to the subspace and returns its coordinates; when the subspace is
    /// full, collapses it, mapping the optimizer's own coordinates, `carried` and the returned ones.
    func addToSubspace(
        _ direction: UnsafePointer<Scalar>, current x: UnsafePointer<Scalar>, carrying carried: inout [[Double]]
    ) -> [Double] {
        let (added, coordinates) = subspace.add(direction)
        guard added, subspace.isFull else { return coordinates }
        collapses += 1
        let k = capacity
        // Columns to keep, most important first: the current point, the new direction, then each
        // active subfunction's last gradient and position (in subfunction order; all of them fit in
        // the default K_min = 2N + 2); random directions complete the basis.
        var columns = current + coordinates
        for i in models.indices where models[i].active && models[i].evaluations > 0 {
            columns += models[i].gradient + models[i].position
        }
        let kept = columns.count / k
        let target = settings.collapsedDimension(capacity: capacity)
        for _ in 0..<target { columns += choices.direction(k) }
        let (basis, rank) = DenseMatrix.orthonormalBasis(columns, rows: k, count: kept + target)
        // Random fill makes the rank at least `target` in exact arithmetic; never ask for more than it has.
        let newDimension = min(target, rank)
        let transform = Array(basis[0..<(k * newDimension)])
        subspace.collapse(to: transform, newDimension: newDimension)
        for i in models.indices { models[i].transform(by: transform, newDimension: newDimension) }
        let reduced = DenseMatrix.multiply(
            transform, DenseMatrix.multiply(lowRankTotal, transform, m: k, n: newDimension, k: k),
            m: newDimension, n: newDimension, k: k, transposeA: true)
        lowRankTotal = [Double](repeating: 0, count: k * k)
        for c in 0..<newDimension {
            for r in 0..<newDimension { lowRankTotal[c * k + r] = reduced[c * newDimension + r] }
        }
        func map(_ v: [Double]) -> [Double] {
            guard v.count == k else { return v }
            return DenseMatrix.multiply(transform, v, m: newDimension, n: 1, k: k, transposeA: true)
                + [Double](repeating: 0, count: k - newDimension)
        }
        prior = map(prior)
        carried = carried.map(map)
        // The current point is re-projected exactly, which also clears the drift of carried coordinates.
        current = subspace.project(x)
        return map(coordinates)
    }

    /// H = sum_i H_i over the subspace (K_max x K_max; beta on the whole diagonal).
    func summedHessian() -> [Double] {
        var h = lowRankTotal
        let diagonal = models.reduce(0) { $0 + ($1.active ? $1.beta : 0) }
        for k in 0..<capacity { h[k * capacity + k] += diagonal }
        return h
    }

    /// Step 4 (sfo.py's `update_hessian`).
    func updateCurvature(_ j: Int) {
        let k = capacity
        let pairs = models[j].historyS.count
        guard pairs > 0 else {
            // No history: beta = the median eigenvalue of the summed Hessian over all K_max
            // dimensions (the unused ones have the diagonal alone) / the active count.
            models[j].rank = 0
            models[j].basis = []
            models[j].core = []
            let n = subspace.dimension
            let diagonal = models.reduce(0) { $0 + ($1.active ? $1.beta : 0) }
            let eigen = DenseMatrix.symmetricEigen(leadingBlock(summedHessian(), n), n: n)
            let values = (eigen?.values ?? []) + [Double](repeating: diagonal, count: k - n)
            var beta =
                (values.isEmpty ? settings.hessianInit : DenseMatrix.median(values)) / Double(max(activeCount, 1))
            // The reference's early rescue for a too-large hessian-init.
            if models[j].evaluations > 2 && evaluations < 5 { beta /= 10 }
            models[j].beta = beta
            models[j].largestEigenvalue = beta
            return
        }
        let history = models[j].historyS.flatMap { $0 } + models[j].historyY.flatMap { $0 }
        let (q, r) = DenseMatrix.orthonormalBasis(history, rows: k, count: 2 * pairs)
        guard r > 0 else { return }
        // s and y in the history basis (r x pairs each), newest first.
        let s = DenseMatrix.multiply(q, models[j].historyS.flatMap { $0 }, m: r, n: pairs, k: k, transposeA: true)
        let y = DenseMatrix.multiply(q, models[j].historyY.flatMap { $0 }, m: r, n: pairs, k: k, transposeA: true)

        // Curvature scale: the `pairs` largest singular values of Y S^+; if the smallest of them is
        // zero or any is not finite, all are the largest beta of the active subfunctions.
        var scales = Array(curvatureScales(s: s, y: y, r: r, pairs: pairs).sorted().suffix(pairs))
        if scales.isEmpty || scales.min() == 0 || !scales.allSatisfy(\.isFinite) {
            let fallback = models.filter(\.active).map(\.beta).max() ?? settings.hessianInit
            scales = [Double](repeating: fallback, count: max(1, scales.count))
        }
        let largest = scales.max()!
        var beta = max(scales.min()!, largest / settings.maxEigenvalueRatio)

        // BFGS from beta I through the pairs, oldest first, keeping the low-rank part L apart
        // (B = beta I + L): L <- L + y y^T / (y^T s) - B s s^T B / (s^T B s), pairs normalised by
        // |s|, whatever the signs of y^T s and s^T B s (the reference's complex square roots). A pair
        // with y^T s = 0 or s^T B s = 0 is skipped, and beta becomes the largest scale.
        var low = [Double](repeating: 0, count: r * r)
        for p in stride(from: pairs - 1, through: 0, by: -1) {
            var sp = Array(s[(p * r)..<((p + 1) * r)]), yp = Array(y[(p * r)..<((p + 1) * r)])
            let length = DenseMatrix.norm(sp)
            sp = sp.map { $0 / length }
            yp = yp.map { $0 / length }
            var bs = DenseMatrix.multiply(low, sp, m: r, n: 1, k: r)
            for i in 0..<r { bs[i] += beta * sp[i] }
            let sbs = DenseMatrix.dot(sp[...], bs[...]), ys = DenseMatrix.dot(yp[...], sp[...])
            guard (1 / ys).isFinite, (1 / sbs).isFinite, yp.allSatisfy(\.isFinite) else {
                beta = largest
                continue
            }
            for c in 0..<r { for row in 0..<r { low[c * r + row] += yp[row] * yp[c] / ys - bs[row] * bs[c] / sbs } }
        }
        // Positive definite: eigenvalues of B below max|eig| / `maxEigenvalueRatio` -> the median
        // positive eigenvalue (all -> the largest scale when none is positive).
        var b = low
        for i in 0..<r { b[i * r + i] += beta }
        var core = [Double](repeating: 0, count: r * r)
        if let (values, vectors) = DenseMatrix.symmetricEigen(b, n: r) {
            let spectrum = values.max()! > 0 ? values : [Double](repeating: largest, count: r)
            let clamped = DenseMatrix.clampedSpectrum(
                spectrum, maxRatio: settings.maxEigenvalueRatio, whenNonePositive: .nan)
            for a in 0..<r {
                for c in 0..<r {
                    var sum = 0.0
                    for e in 0..<r { sum += vectors[e * r + a] * clamped[e] * vectors[e * r + c] }
                    core[c * r + a] = sum - (a == c ? beta : 0)
                }
            }
        } else {
            for i in 0..<r { core[i * r + i] = largest - beta }
        }
        models[j].beta = beta
        models[j].largestEigenvalue = largest
        models[j].basis = q
        models[j].rank = r
        models[j].core = core
    }

    /// Singular values of Y S^+ for the history in basis coordinates (s, y: r x pairs), S^+ as
    /// `numpy.linalg.pinv` computes it: square roots of the eigenvalues of (Y S^+)^T (Y S^+).
    func curvatureScales(s: [Double], y: [Double], r: Int, pairs: Int) -> [Double] {
        guard let pseudoInverse = DenseMatrix.pseudoInverse(s, m: r, n: pairs) else { return [0] }  // pairs x r
        let dd = DenseMatrix.multiply(y, pseudoInverse, m: r, n: r, k: pairs)  // r x r
        let squared = DenseMatrix.multiply(dd, dd, m: r, n: r, k: r, transposeA: true)
        guard let (w, _) = DenseMatrix.symmetricEigen(squared, n: r) else { return [0] }
        return w.map { abs($0).squareRoot() }
    }

    func leadingBlock(_ matrix: [Double], _ n: Int) -> [Double] {
        var block = [Double](repeating: 0, count: n * n)
        for c in 0..<n { for r in 0..<n { block[c * n + r] = matrix[c * capacity + r] } }
        return block
    }

    /// Steps 5 and 6.
    func takeNewtonStep(from position: [Double], x: UnsafeMutablePointer<Scalar>, failed: Bool) {
        let n = subspace.dimension
        var total = [Double](repeating: 0, count: capacity)
        let active = models.indices.filter { models[$0].active }
        for i in active {
            let d = zip(position, models[i].position).map { $0 - $1 }
            let hd = models[i].hessianTimes(d)
            for k in 0..<capacity { total[k] += models[i].gradient[k] + hd[k] }
        }
        let h = leadingBlock(summedHessian(), n)
        // Right-hand sides: the summed gradient, then (for the growth test) the mean gradient and
        // each active subfunction's deviation from it.
        let ready = active.allSatisfy { models[$0].evaluations >= 2 } && active.count > 1
        var rhs = Array(total[0..<n])
        var mean = [Double](repeating: 0, count: n)
        if ready {
            for i in active { for k in 0..<n { mean[k] += models[i].gradient[k] / Double(active.count) } }
            rhs += mean
            for i in active { for k in 0..<n { rhs.append(models[i].gradient[k] - mean[k]) } }
        }
        let columns = rhs.count / max(n, 1)
        let solution = solve(h, n: n, rhs, columns: columns)
        var step = [Double](repeating: 0, count: capacity)
        for k in 0..<n { step[k] = -solution[k] * stepScale }
        // Step length: at least `minimumStepLength`; after the first N evaluations at most
        // `maxStepLengthRatio` times the average length travelled per evaluation.
        var length = DenseMatrix.norm(step)
        if length < settings.minimumStepLength && length > 0 {
            step = step.map { $0 * settings.minimumStepLength / length }
            length = settings.minimumStepLength
        }
        if evaluations > subfunctionCount && length > tolerance {
            let average = totalDistance / Double(evaluations)
            let ratio = length / average
            if ratio > settings.maxStepLengthRatio { step = step.map { $0 * settings.maxStepLengthRatio / ratio } }
        }
        priorPosition.copy(from: UnsafePointer(x))
        prior = current
        subspace.addLifted(step, to: x)
        for k in 0..<n { current[k] += step[k] }
        let hStep = DenseMatrix.multiply(h, Array(step[0..<n]), m: n, n: 1, k: n)
        predictedImprovement = 0.5 * DenseMatrix.dot(step[0..<n], hStep[...])

        iterationsSinceGrowth += 1
        guard ready else { return }
        let meanPower = DenseMatrix.dot(mean[...], solution[n..<(2 * n)])
        var noisePower = 0.0
        for (c, i) in active.enumerated() {
            let offset = (2 + c) * n
            let deviation = zip(models[i].gradient[0..<n], mean).map { $0 - $1 }
            noisePower += DenseMatrix.dot(deviation[...], solution[offset..<(offset + n)])
        }
        noisePower /= Double(active.count * (active.count - 1))
        let growthWanted =
            noisePower >= meanPower * settings.maxGradientNoise || failed || iterationsSinceGrowth - 1 > active.count
        let inactive = models.indices.filter { !models[$0].active }
        if growthWanted, !inactive.isEmpty {
            models[choices.pick(inactive)].active = true
            iterationsSinceGrowth = 0
        }
    }

    /// H^-1 B by Cholesky; if roundoff has made H indefinite, through its eigendecomposition with
    /// small eigenvalues clamped to the median positive one.
    func solve(_ h: [Double], n: Int, _ b: [Double], columns: Int) -> [Double] {
        var x = b
        if DenseMatrix.choleskySolve(h, n: n, &x, nrhs: columns) { return x }
        guard let (values, vectors) = DenseMatrix.symmetricEigen(h, n: n) else {
            return [Double](repeating: 0, count: b.count)
        }
        let clamped = DenseMatrix.clampedSpectrum(values, maxRatio: settings.maxEigenvalueRatio, whenNonePositive: 1)
        let vtb = DenseMatrix.multiply(vectors, b, m: n, n: columns, k: n, transposeA: true)
        var scaled = vtb
        for c in 0..<columns { for e in 0..<n { scaled[c * n + e] /= clamped[e] } }
        return DenseMatrix.multiply(vectors, scaled, m: n, n: columns, k: n)
    }
}
