import Foundation

/// A flag set by the signal handler and polled by workers between steps.
public final class Cancellation: @unchecked Sendable {
    private var flag = false
    private let lock = NSLock()

    public init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }

    public func cancel() {
        lock.lock()
        flag = true
        lock.unlock()
    }
}
