import NIOCore
import NIOHTTPTypes

/// Cuts off a request body sent too slowly: once a request's head has arrived, its body must
/// be complete within `timeout`, or the connection is closed. Without it a client that sends a
/// complete head and then its body a byte at a time held a connection (and its task) for as
/// long as it liked — the idle timeout only covers connections with no request in progress.
///
/// Sits in the channel pipeline right after HTTP decoding (`HTTP1Channel`'s additional
/// handlers), so it sees the parts as they arrive, before any middleware or handler.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
