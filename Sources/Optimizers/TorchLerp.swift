/// PyTorch's `lerp(a, b, w)` as its CPU kernel computes it: a + w (b - a) for |w| < 0.5, else
/// b - (b - a)(1 - w). The two forms round differently; following the reference's keeps the
/// trajectories of the rules that interpolate (Schedule-Free, Adafactor) at its bits' distance.
@inline(__always)
func torchLerp<Scalar: BinaryFloatingPoint>(_ a: Scalar, _ b: Scalar, _ w: Scalar) -> Scalar {
    abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
}
