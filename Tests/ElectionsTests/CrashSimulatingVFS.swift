import Foundation
import GRDBSQLite

/// An SQLite VFS for tests that simulates power loss, in the spirit of SQLite's own crash
/// tests: it forwards to the default VFS, but remembers every write and truncation not yet
/// followed by a sync of the same file. After `armCrash(afterWrites:)` the n-th write fails and
/// so does all I/O from then on (the machine is "off"); `applyCrash(keepProbability:)` then
/// undoes the unsynced changes on disk — each one kept with the given probability, so writes
/// are dropped or torn — and removes the `-shm` file, which a power cut does not preserve.
/// Open a database through it with the URI `file:PATH?vfs=xuanyi-crash`.
enum CrashSimulatingVFS {
    static let name = "xuanyi-crash"

    /// One change to undo: the bytes a write replaced (and the file's size before it), or the
    /// tail a truncation cut off.
    struct Undo {
        let path: String
        let offset: Int64
        let old: [UInt8]
        let oldSize: Int64
    }

    final class State: @unchecked Sendable {
        let lock = NSLock()
        var unsynced: [String: [Undo]] = [:]
        var order: [Undo] = []
        var writesUntilCrash: Int?
        var crashed = false
        var paths: [Int: String] = [:]
        var nextID = 1
    }

    nonisolated(unsafe) static let state = State()
    nonisolated(unsafe) static var real: UnsafeMutablePointer<sqlite3_vfs>!
    nonisolated(unsafe) static var methods: UnsafeMutablePointer<sqlite3_io_methods>!
    nonisolated(unsafe) static var registered = false
    static let header = MemoryLayout<sqlite3_file>.stride

    /// Registers the VFS once (not as the default).
    static func register() {
        state.lock.lock()
        defer { state.lock.unlock() }
        guard !registered else { return }
        registered = true
        real = sqlite3_vfs_find(nil)
        methods = .allocate(capacity: 1)
        methods.initialize(to: makeMethods())
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: sqlite3_vfs())
        vfs.pointee.iVersion = 2
        vfs.pointee.szOsFile = Int32(header + 16)
        vfs.pointee.mxPathname = real.pointee.mxPathname
        vfs.pointee.zName = UnsafePointer(strdup(name))
        vfs.pointee.xOpen = { _, zName, file, flags, outFlags in
            let id: Int
            CrashSimulatingVFS.state.lock.lock()
            id = CrashSimulatingVFS.state.nextID
            CrashSimulatingVFS.state.nextID += 1
            if let zName { CrashSimulatingVFS.state.paths[id] = String(cString: zName) }
            CrashSimulatingVFS.state.lock.unlock()
            let realFile = UnsafeMutableRawPointer.allocate(byteCount: Int(CrashSimulatingVFS.real.pointee.szOsFile), alignment: 16)
            memset(realFile, 0, Int(CrashSimulatingVFS.real.pointee.szOsFile))
            let status = CrashSimulatingVFS.real.pointee.xOpen!(CrashSimulatingVFS.real, zName, realFile.assumingMemoryBound(to: sqlite3_file.self), flags, outFlags)
            let raw = UnsafeMutableRawPointer(file!)
            raw.storeBytes(of: realFile, toByteOffset: CrashSimulatingVFS.header, as: UnsafeMutableRawPointer.self)
            raw.storeBytes(of: id, toByteOffset: CrashSimulatingVFS.header + 8, as: Int.self)
            if status == SQLITE_OK && realFile.assumingMemoryBound(to: sqlite3_file.self).pointee.pMethods != nil {
                file!.pointee.pMethods = UnsafePointer(CrashSimulatingVFS.methods)
            } else {
                file!.pointee.pMethods = nil
                realFile.deallocate()
            }
            return status
        }
        vfs.pointee.xDelete = { _, zName, syncDir in
            // A machine that is off deletes nothing.
            if CrashSimulatingVFS.isCrashed { return SQLITE_OK }
            return CrashSimulatingVFS.real.pointee.xDelete!(CrashSimulatingVFS.real, zName, syncDir)
        }
        vfs.pointee.xAccess = { _, zName, flags, out in CrashSimulatingVFS.real.pointee.xAccess!(CrashSimulatingVFS.real, zName, flags, out) }
        vfs.pointee.xFullPathname = { _, zName, n, out in CrashSimulatingVFS.real.pointee.xFullPathname!(CrashSimulatingVFS.real, zName, n, out) }
        vfs.pointee.xRandomness = { _, n, out in CrashSimulatingVFS.real.pointee.xRandomness!(CrashSimulatingVFS.real, n, out) }
        vfs.pointee.xSleep = { _, micro in CrashSimulatingVFS.real.pointee.xSleep!(CrashSimulatingVFS.real, micro) }
        vfs.pointee.xCurrentTime = { _, out in CrashSimulatingVFS.real.pointee.xCurrentTime!(CrashSimulatingVFS.real, out) }
        vfs.pointee.xGetLastError = { _, n, out in CrashSimulatingVFS.real.pointee.xGetLastError!(CrashSimulatingVFS.real, n, out) }
        vfs.pointee.xCurrentTimeInt64 = { _, out in CrashSimulatingVFS.real.pointee.xCurrentTimeInt64!(CrashSimulatingVFS.real, out) }
        sqlite3_vfs_register(vfs, 0)
    }

    static var isCrashed: Bool {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.crashed
    }

    static func realFile(_ file: UnsafeMutablePointer<sqlite3_file>?) -> UnsafeMutablePointer<sqlite3_file> {
        UnsafeMutableRawPointer(file!).load(fromByteOffset: header, as: UnsafeMutableRawPointer.self).assumingMemoryBound(to: sqlite3_file.self)
    }

    static func path(_ file: UnsafeMutablePointer<sqlite3_file>?) -> String? {
        let id = UnsafeMutableRawPointer(file!).load(fromByteOffset: header + 8, as: Int.self)
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.paths[id]
    }

    /// Counts a write; true when the machine is (now) off.
    static func writeFails() -> Bool {
        state.lock.lock()
        defer { state.lock.unlock() }
        if state.crashed { return true }
        if let remaining = state.writesUntilCrash {
            if remaining <= 0 { state.crashed = true; return true }
            state.writesUntilCrash = remaining - 1
        }
        return false
    }

    static func remember(_ undo: Undo) {
        state.lock.lock()
        state.unsynced[undo.path, default: []].append(undo)
        state.order.append(undo)
        state.lock.unlock()
    }

    static func fileSize(_ real: UnsafeMutablePointer<sqlite3_file>) -> Int64 {
        var size: sqlite3_int64 = 0
        _ = real.pointee.pMethods.pointee.xFileSize!(real, &size)
        return Int64(size)
    }

    static func read(_ real: UnsafeMutablePointer<sqlite3_file>, offset: Int64, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        _ = bytes.withUnsafeMutableBytes { real.pointee.pMethods.pointee.xRead!(real, $0.baseAddress, Int32(count), sqlite3_int64(offset)) }
        return bytes
    }

    static func makeMethods() -> sqlite3_io_methods {
        var m = sqlite3_io_methods()
        m.iVersion = 2
        m.xClose = { file in
            let real = CrashSimulatingVFS.realFile(file)
            let status = real.pointee.pMethods.pointee.xClose!(real)
            UnsafeMutableRawPointer(real).deallocate()
            return status
        }
        m.xRead = { file, buffer, amount, offset in
            if CrashSimulatingVFS.isCrashed { return SQLITE_IOERR }
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xRead!(real, buffer, amount, offset)
        }
        m.xWrite = { file, buffer, amount, offset in
            if CrashSimulatingVFS.writeFails() { return SQLITE_IOERR }
            let real = CrashSimulatingVFS.realFile(file)
            if let path = CrashSimulatingVFS.path(file) {
                let size = CrashSimulatingVFS.fileSize(real)
                let overlap = max(0, min(Int64(amount), size - Int64(offset)))
                CrashSimulatingVFS.remember(Undo(path: path, offset: Int64(offset), old: CrashSimulatingVFS.read(real, offset: Int64(offset), count: Int(overlap)), oldSize: size))
            }
            return real.pointee.pMethods.pointee.xWrite!(real, buffer, amount, offset)
        }
        m.xTruncate = { file, size in
            if CrashSimulatingVFS.writeFails() { return SQLITE_IOERR }
            let real = CrashSimulatingVFS.realFile(file)
            if let path = CrashSimulatingVFS.path(file) {
                let old = CrashSimulatingVFS.fileSize(real)
                if old > Int64(size) {
                    CrashSimulatingVFS.remember(Undo(path: path, offset: Int64(size), old: CrashSimulatingVFS.read(real, offset: Int64(size), count: Int(old - Int64(size))), oldSize: old))
                }
            }
            return real.pointee.pMethods.pointee.xTruncate!(real, size)
        }
        m.xSync = { file, flags in
            if CrashSimulatingVFS.isCrashed { return SQLITE_IOERR }
            let real = CrashSimulatingVFS.realFile(file)
            let status = real.pointee.pMethods.pointee.xSync!(real, flags)
            if status == SQLITE_OK, let path = CrashSimulatingVFS.path(file) {
                CrashSimulatingVFS.state.lock.lock()
                CrashSimulatingVFS.state.unsynced[path] = []
                CrashSimulatingVFS.state.order.removeAll { $0.path == path }
                CrashSimulatingVFS.state.lock.unlock()
            }
            return status
        }
        m.xFileSize = { file, size in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xFileSize!(real, size)
        }
        m.xLock = { file, level in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xLock!(real, level)
        }
        m.xUnlock = { file, level in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xUnlock!(real, level)
        }
        m.xCheckReservedLock = { file, out in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xCheckReservedLock!(real, out)
        }
        m.xFileControl = { file, op, arg in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xFileControl!(real, op, arg)
        }
        m.xSectorSize = { file in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xSectorSize!(real)
        }
        m.xDeviceCharacteristics = { file in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xDeviceCharacteristics!(real)
        }
        m.xShmMap = { file, region, size, extend, out in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xShmMap!(real, region, size, extend, out)
        }
        m.xShmLock = { file, offset, n, flags in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xShmLock!(real, offset, n, flags)
        }
        m.xShmBarrier = { file in
            let real = CrashSimulatingVFS.realFile(file)
            real.pointee.pMethods.pointee.xShmBarrier!(real)
        }
        m.xShmUnmap = { file, delete in
            let real = CrashSimulatingVFS.realFile(file)
            return real.pointee.pMethods.pointee.xShmUnmap!(real, delete)
        }
        return m
    }

    /// From now on the n-th write (counting from 0) fails, and all I/O after it.
    static func armCrash(afterWrites writes: Int) {
        state.lock.lock()
        state.writesUntilCrash = writes
        state.crashed = false
        state.lock.unlock()
    }

    /// Undoes, newest first, each change not followed by a sync of its file, except those kept
    /// (each with `keepProbability`), removes `-shm` files, and switches the machine back on.
    /// Returns how many changes were undone and kept.
    @discardableResult
    static func applyCrash<G: RandomNumberGenerator>(keepProbability: Double, using generator: inout G) -> (undone: Int, kept: Int) {
        state.lock.lock()
        let changes = state.order
        state.order = []
        state.unsynced = [:]
        state.writesUntilCrash = nil
        state.crashed = false
        let shm = Set(state.paths.values.filter { $0.hasSuffix("-wal") }.map { String($0.dropLast(4)) + "-shm" })
        state.lock.unlock()
        var undone = 0, kept = 0
        for change in changes.reversed() {
            if Double.random(in: 0..<1, using: &generator) < keepProbability { kept += 1; continue }
            undone += 1
            let fd = open(change.path, O_WRONLY)
            guard fd >= 0 else { continue }
            if !change.old.isEmpty { _ = change.old.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(change.offset)) } }
            if Int64(lseek(fd, 0, SEEK_END)) > change.oldSize { _ = ftruncate(fd, off_t(change.oldSize)) }
            close(fd)
        }
        for path in shm { unlink(path) }
        return (undone, kept)
    }
}
