/// Follows every client-to-server TCP stream of a capture, in sequence order, until its
/// ClientHello is whole, and then forgets it. Pure: packets in, hellos and warnings out.
///
/// A stream's start is its SYN's sequence number plus one; for a connection whose SYN is not in
/// the capture, the lowest sequence number seen. Segments are placed by sequence number, so
/// out-of-order segments and retransmissions (first copy wins, as in Wireshark) give the bytes the
/// server received. Memory is bounded: `streamLimit` bytes per stream, `openStreamLimit` streams
/// followed at once.
struct HelloAssembler {
    struct FlowKey: Hashable {
        var source: Endpoint
        var destination: Endpoint
    }

    /// One direction of one connection, while it may still start with a ClientHello.
    struct Stream {
        /// The stream's first byte is `origin` bytes after `reference` (mod 2^32).
        var reference: UInt32
        var origin: Int
        var synSeen: Bool
        /// The bytes from the stream's start, without gaps.
        var assembled: [UInt8] = []
        /// Segments past a gap, by offset from `reference`.
        var pending: [Int: ArraySlice<UInt8>] = [:]
        var pendingBytes = 0
        var segments = 0
        var dataSegments = 0
        var truncated = false
        /// A FIN or RST was seen from this side.
        var closed = false
        var lastPacket: Int
    }

    enum Flow {
        case following(Stream)
        /// Decided: its hello was found, or it does not start with one. `synStart` is the first
        /// sequence number of a connection whose SYN was seen, so a copy of that SYN is known again.
        case done(synStart: UInt32?)
    }

    let streamLimit: Int
    let openStreamLimit: Int
    /// Without its SYN, a stream's first segment may still be on its way (reordered): wait this
    /// many segments (or `streamLimit` bytes) before deciding the stream holds no hello.
    let synlessPatience = 64
    /// A stream whose hello is still not whole after this many segments is given up.
    let maxSegments = 4096
    /// The most out-of-order segments held for one stream.
    let maxPendingSegments = 512
    /// Most warnings kept; the rest are counted.
    let warningLimit = 100

    private(set) var hellos: [CapturedClientHello] = []
    private(set) var warnings: [CaptureWarning] = []
    /// How many packets were TCP segments the decoder could read.
    private(set) var tcpSegments = 0
    private var flows: [FlowKey: Flow] = [:]
    private var followingCount = 0
    private var doneCount = 0
    private var droppedStreams = 0
    private var droppedWarnings = 0
    private var fragments = 0

    init(streamLimit: Int = 65536, openStreamLimit: Int = 1024) {
        self.streamLimit = streamLimit
        self.openStreamLimit = openStreamLimit
    }

    mutating func add(_ packet: DecodedPacket, number: Int, timestamp: Double) {
        switch packet {
        case .tcp(let segment):
            tcpSegments += 1
            add(segment, number: number, timestamp: timestamp)
        case .fragment: fragments += 1
        case .other: break
        }
    }

    mutating func add(_ segment: TCPSegment, number: Int, timestamp: Double) {
        let key = FlowKey(source: segment.source, destination: segment.destination)
        if segment.syn { noteSYN(segment, key: key, number: number) }
        if segment.fin || segment.rst, case .following(var stream)? = flows[key] {
            stream.closed = true
            flows[key] = .following(stream)
        }
        guard !segment.payload.isEmpty else { return }
        let dataStart = segment.syn ? segment.sequence &+ 1 : segment.sequence

        // The stream is taken out of the table while it changes, so its arrays are not copied.
        var stream: Stream
        switch flows[key] {
        case .done?:
            return
        case .following(let existing)?:
            stream = existing
            flows[key] = nil
            followingCount -= 1
        case nil:
            // Joined late: the lowest sequence number seen is the start until an earlier one comes.
            stream = Stream(reference: dataStart, origin: 0, synSeen: false, lastPacket: number)
        }
        stream.lastPacket = number
        stream.segments += 1
        if segment.truncated { stream.truncated = true }

        let offset = Int(Int32(bitPattern: dataStart &- stream.reference))
        if offset >= stream.origin {
            place(&stream, segment.payload, at: offset)
        } else if !stream.synSeen {
            rebase(&stream, to: offset)
            place(&stream, segment.payload, at: offset)
        } else if stream.origin - offset < segment.payload.count {
            // Starts before the stream's first byte (a retransmission overlapping the SYN): the rest counts.
            place(&stream, segment.payload.dropFirst(stream.origin - offset), at: stream.origin)
        }
        setFlow(key, decide(stream, segment: segment, number: number, timestamp: timestamp))
        makeRoom()
    }

    /// A SYN: a new connection to follow, unless it repeats the SYN of one followed or decided.
    private mutating func noteSYN(_ segment: TCPSegment, key: FlowKey, number: Int) {
        let start = segment.sequence &+ 1
        switch flows[key] {
        case .following(let stream)?
        where stream.synSeen && stream.reference &+ UInt32(truncatingIfNeeded: stream.origin) == start:
            break  // a retransmitted SYN of the connection being followed
        case .done(let synStart)? where synStart == start:
            break  // a retransmitted (or twice captured) SYN of a connection already decided
        default:
            // A new connection (or the same four-tuple used again).
            if case .following(let old)? = flows[key] { finish(old, key: key) }
            setFlow(key, .following(Stream(reference: start, origin: 0, synSeen: true, lastPacket: number)))
            makeRoom()
        }
    }

    /// What becomes of a stream after a segment: a whole hello is taken (and the stream done), or it
    /// is followed further, or given up with a warning.
    private mutating func decide(_ stream: Stream, segment: TCPSegment, number: Int, timestamp: Double) -> Flow {
        let synStart = stream.synSeen ? stream.reference &+ UInt32(truncatingIfNeeded: stream.origin) : nil
        let next: Flow
        let (scan, skip, target) = examine(stream)
        switch scan {
        case .complete(let length):
            let bytes = Array(stream.assembled[skip..<(skip + length)])
            let message = ClientHelloRecords.handshakeMessage(bytes)
            hellos.append(
                CapturedClientHello(
                    bytes: bytes, source: segment.source.description, destination: segment.destination.description,
                    serverName: ClientHelloRecords.serverName(inHandshake: message), timestamp: timestamp,
                    packetNumber: number, segmentCount: stream.dataSegments, proxyConnectTarget: target))
            next = .done(synStart: synStart)
        case .notHello:
            let waited =
                stream.segments >= synlessPatience || stream.assembled.count + stream.pendingBytes >= streamLimit
            next = stream.synSeen || waited ? .done(synStart: synStart) : .following(stream)
        case .broken(let reason):
            warn(number, "\(segment.source) -> \(segment.destination): not read as a ClientHello: \(reason)")
            next = .done(synStart: synStart)
        case .needMore:
            if stream.assembled.count >= streamLimit || stream.pendingBytes >= 2 * streamLimit {
                warn(
                    number,
                    "\(segment.source) -> \(segment.destination): a ClientHello longer than the \(streamLimit) bytes the reader follows; skipped"
                )
                next = .done(synStart: synStart)
            } else if stream.segments >= maxSegments {
                warn(
                    number,
                    "\(segment.source) -> \(segment.destination): a ClientHello still not whole after \(maxSegments) segments; skipped"
                )
                next = .done(synStart: synStart)
            } else {
                next = .following(stream)
            }
        }
        return next
    }

    /// Call once after the last packet: warns about hellos that never became whole.
    mutating func finish() {
        for (key, flow) in flows {
            if case .following(let stream) = flow { finish(stream, key: key) }
        }
        flows = [:]
        followingCount = 0
        doneCount = 0
        if droppedStreams > 0 {
            warnings.append(
                CaptureWarning(
                    packetNumber: nil,
                    message:
                        "stopped following \(droppedStreams) TCP streams (more than \(openStreamLimit) open at once); a ClientHello in them may be missing"
                ))
        }
        if fragments > 0 {
            warnings.append(
                CaptureWarning(
                    packetNumber: nil,
                    message:
                        "skipped \(fragments) IP fragments (a ClientHello inside fragmented IP packets is not reassembled)"
                ))
        }
        if droppedWarnings > 0 {
            warnings.append(CaptureWarning(packetNumber: nil, message: "\(droppedWarnings) more warnings not shown"))
        }
        // The order of a dictionary is not the capture's: sort the hello warnings by packet.
        warnings.sort { ($0.packetNumber ?? Int.max) < ($1.packetNumber ?? Int.max) }
    }

    // MARK: - Streams

    private mutating func setFlow(_ key: FlowKey, _ flow: Flow) {
        switch flows[key] {
        case .following?: followingCount -= 1
        case .done?: doneCount -= 1
        case nil: break
        }
        flows[key] = flow
        switch flow {
        case .following: followingCount += 1
        case .done: doneCount += 1
        }
    }

    /// Keeps the number of streams bounded: the least recently active half goes when too many are
    /// open; decided streams are forgotten in bulk (a late segment of one then starts a stream
    /// that does not begin with a hello, and is dropped again).
    private mutating func makeRoom() {
        if followingCount > openStreamLimit {
            let open = flows.compactMap { key, flow -> (FlowKey, Stream)? in
                if case .following(let stream) = flow { return (key, stream) }
                return nil
            }.sorted { $0.1.lastPacket < $1.1.lastPacket }
            for (key, stream) in open.prefix(open.count / 2) {
                finish(stream, key: key, dropped: true)
                setFlow(key, .done(synStart: nil))
            }
        }
        if doneCount > 16 * openStreamLimit {
            flows = flows.filter { _, flow in
                if case .done = flow { return false }
                return true
            }
            doneCount = 0
        }
    }

    /// A stream set aside before its hello was whole: warn when it had started one.
    private mutating func finish(_ stream: Stream, key: FlowKey, dropped: Bool = false) {
        if dropped { droppedStreams += 1 }
        let (scan, skip, _) = examine(stream)
        guard stream.assembled.count > skip, stream.assembled[skip] == 0x16, case .needMore(let messageLength) = scan
        else { return }
        let expected = messageLength.map { " of a \($0 + 4)-byte handshake message" } ?? ""
        let why: String
        if stream.truncated {
            why = "its packets were cut short (the capture's snapshot length)"
        } else if !stream.pending.isEmpty {
            why = "segments are missing from the capture"
        } else if dropped {
            why = "too many streams were open at once"
        } else if stream.closed {
            why = "the client closed the connection before it was whole"
        } else {
            why = "the capture ends before it is whole"
        }
        warn(
            stream.lastPacket,
            "\(key.source) -> \(key.destination): an incomplete ClientHello (\(stream.assembled.count - skip) bytes\(expected)): \(why)"
        )
    }

    private mutating func warn(_ packet: Int?, _ message: String) {
        if warnings.count >= warningLimit {
            droppedWarnings += 1
        } else {
            warnings.append(CaptureWarning(packetNumber: packet, message: message))
        }
    }

    /// The stream's bytes read as a ClientHello, after the CONNECT request(s) of an HTTP proxy
    /// tunnel when there are any (`skip` bytes of them, to `target`).
    private func examine(_ stream: Stream) -> (scan: ClientHelloRecords.Scan, skip: Int, target: String?) {
        switch ClientHelloRecords.tunnel(stream.assembled) {
        case .none:
            return (ClientHelloRecords.scan(stream.assembled, limit: streamLimit), 0, nil)
        case .needMore:
            return (.needMore(messageLength: nil), 0, nil)
        case .connect(let length, let target):
            return (ClientHelloRecords.scan(stream.assembled, from: length, limit: streamLimit), length, target)
        }
    }

    /// Moves a SYN-less stream's start back to `offset` (an earlier segment arrived late).
    private func rebase(_ stream: inout Stream, to offset: Int) {
        if !stream.assembled.isEmpty {
            stream.pending[stream.origin] = ArraySlice(stream.assembled)
            stream.pendingBytes += stream.assembled.count
        }
        stream.assembled = []
        stream.origin = offset
        // Segments now too far from the start are beyond what is followed.
        for (at, bytes) in stream.pending where at - offset >= streamLimit {
            stream.pending[at] = nil
            stream.pendingBytes -= bytes.count
        }
    }

    /// Puts `payload` at `offset` (from `reference`, not before `origin`), then joins every pending
    /// segment that now touches the assembled bytes. The first copy of a byte wins.
    private func place(_ stream: inout Stream, _ payload: ArraySlice<UInt8>, at offset: Int) {
        let limitEnd = stream.origin + streamLimit
        guard offset < limitEnd else { return }
        let bytes = payload.prefix(limitEnd - offset)
        let end = stream.origin + stream.assembled.count
        if offset <= end {
            if offset + bytes.count > end {
                stream.assembled += bytes.dropFirst(end - offset)
                stream.dataSegments += 1
            }
        } else {
            if let existing = stream.pending[offset] {
                // The first copy wins: only what the new one adds past it is kept.
                guard bytes.count > existing.count else { return }
                place(&stream, bytes.dropFirst(existing.count), at: offset + existing.count)
                return
            }
            guard stream.pending.count < maxPendingSegments else { return }
            // A copy: a slice would keep the whole captured frame alive.
            stream.pending[offset] = ArraySlice(Array(bytes))
            stream.pendingBytes += bytes.count
            stream.dataSegments += 1
            return
        }
        // Join what the new bytes made contiguous.
        var joined = true
        while joined, !stream.pending.isEmpty {
            joined = false
            let end = stream.origin + stream.assembled.count
            for at in stream.pending.keys.sorted() where at <= end {
                guard let bytes = stream.pending.removeValue(forKey: at) else { continue }
                stream.pendingBytes -= bytes.count
                let current = stream.origin + stream.assembled.count
                if at + bytes.count > current {
                    stream.assembled += bytes.dropFirst(current - at)
                }
                joined = true
            }
        }
    }
}
