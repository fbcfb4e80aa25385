internal import Foundation

/// Runs async work to completion for a caller that is not async (the commands, and the
/// server's synchronous engine), without touching Swift's cooperative thread pool: the work
/// runs on one dedicated thread (a task executor), so a caller that blocks a pool thread
/// cannot starve the work it waits for.
enum Blocking {
    /// The thread every piece of blocking work runs on, started on first use.
    static let executor = ThreadExecutor()

    /// Runs `work` on ``executor`` and waits for its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        try start(work).wait()
    }

    /// Starts `work` on ``executor``; ``Pending/wait()`` waits for its result.
    static func start<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Pending<T> {
        let pending = Pending<T>()
        Task(executorPreference: executor) {
            let result: Result<T, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            pending.set(result)
        }
        return pending
    }

    /// The result of work started with ``start(_:)``.
    final class Pending<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<T, any Error>?

        fileprivate func set(_ value: Result<T, any Error>) {
            lock.withLock { result = value }
            done.signal()
        }

        /// Waits for the work to finish: its value, or its error thrown.
        func wait() throws -> T {
            done.wait()
            done.signal()
            return try lock.withLock { result! }.get()
        }
    }
}

/// A task executor with one thread of its own, running jobs in the order they arrive.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "microgenre-events"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}

/// Chunks handed from a synchronous producer to an async consumer, at most `capacity` waiting:
/// the producer blocks when the consumer falls behind, and learns at once when the consumer
/// has stopped.
final class ChunkPipe<Chunk: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [Chunk] = []
    private var finished = false
    private var producerError: (any Error)?
    private var consumerGone: (any Error)?
    private var waiter: CheckedContinuation<Chunk?, any Error>?
    private let capacity: Int

    init(capacity: Int = 4) { self.capacity = capacity }

    /// Producer: hands over `chunk`, waiting while `capacity` chunks are queued; throws when
    /// the consumer has stopped.
    func send(_ chunk: Chunk) throws {
        condition.lock()
        while chunks.count >= capacity && consumerGone == nil { condition.wait() }
        if let consumerGone {
            condition.unlock()
            throw consumerGone
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: chunk)
            return
        }
        chunks.append(chunk)
        condition.unlock()
    }

    /// Producer: no more chunks (`error`: the producer failed, and the consumer should too).
    func finish(error: (any Error)? = nil) {
        condition.lock()
        finished = true
        producerError = error
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// Consumer: the next chunk, nil at the end; throws the producer's error.
    func next() async throws -> Chunk? {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if !chunks.isEmpty {
                let chunk = chunks.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: chunk)
            } else if finished {
                let error = producerError
                condition.unlock()
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }

    /// Consumer: it has stopped (`error` says why); a waiting or later `send` throws it.
    func close(_ error: any Error) {
        condition.lock()
        consumerGone = error
        condition.broadcast()
        condition.unlock()
    }
}
