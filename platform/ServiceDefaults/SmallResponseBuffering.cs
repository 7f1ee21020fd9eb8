using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EStore.ServiceDefaults;

/// <summary>
/// Holds a response body back until the endpoint is done, up to <see cref="Limit"/> bytes, and sends it with a
/// <c>Content-Length</c> in one write. Without it, every JSON answer goes out chunked: a client (or the gateway,
/// which forwards what it reads as it reads it) then sends the body and the closing chunk separately, one more
/// system call and one more wake-up of the reader per request. Bodies that grow past the limit, streams that ask
/// for <see cref="IHttpResponseBodyFeature.DisableBuffering"/>, explicit starts and file sends go out as before.
/// </summary>
internal sealed class SmallResponseBuffering(RequestDelegate next)
{
    /// <summary>Largest body held back.</summary>
    public const int Limit = 16 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var original = http.Features.Get<IHttpResponseBodyFeature>();
        if (original is null || HttpMethods.IsHead(http.Request.Method) || http.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true)
        {
            await next(http);
            return;
        }
        var body = new BufferedBody(http, original);
        http.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(http);
            await body.FinishAsync();
        }
        finally
        {
            http.Features.Set(original);
            body.Release();
        }
    }

    private sealed class BufferedBody(HttpContext http, IHttpResponseBodyFeature original) : Stream, IHttpResponseBodyFeature
    {
        private byte[]? _buffer;
        private int _length;
        private bool _passThrough;
        private PipeWriter? _writer;

        public Stream Stream => this;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void DisableBuffering()
        {
            // Synchronous by contract; the held bytes go out with the next write or flush.
            _passThrough = true;
            original.DisableBuffering();
        }

        public async Task StartAsync(CancellationToken cancellationToken = default)
        {
            await SpillAsync(cancellationToken);
            await original.StartAsync(cancellationToken);
        }

        public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            await SpillAsync(cancellationToken);
            await original.SendFileAsync(path, offset, count, cancellationToken);
        }

        public async Task CompleteAsync()
        {
            await FinishAsync();
            await original.CompleteAsync();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            if (!_passThrough && _length + source.Length <= Limit)
            {
                Hold(source.Span);
                return;
            }
            await SpillAsync(cancellationToken);
            await original.Stream.WriteAsync(source, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Kestrel refuses synchronous I/O unless the app allowed it; a held write must not succeed where it would fail.
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (http.Features.Get<IHttpBodyControlFeature>()?.AllowSynchronousIO != true)
            {
                throw new InvalidOperationException("Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.");
            }
            if (!_passThrough && _length + count <= Limit)
            {
                Hold(buffer.AsSpan(offset, count));
                return;
            }
            SpillAsync(default).GetAwaiter().GetResult();
            original.Stream.Write(buffer, offset, count);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _passThrough ? SpillThenFlushAsync(cancellationToken) : Task.CompletedTask;

        public override void Flush()
        {
            if (_passThrough)
            {
                SpillThenFlushAsync(default).GetAwaiter().GetResult();
            }
        }

        /// <summary>After the endpoint: the held body, with its length, in one write.</summary>
        public async Task FinishAsync()
        {
            if (_writer is not null)
            {
                await _writer.FlushAsync();
            }
            var response = http.Response;
            if (!_passThrough && _length > 0 && !response.HasStarted && response.ContentLength is null
                && !response.Headers.ContainsKey("Transfer-Encoding"))
            {
                response.ContentLength = _length;
            }
            await SpillAsync(default);
        }

        public void Release()
        {
            if (_buffer is { } rented)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void Hold(ReadOnlySpan<byte> source)
        {
            if (_buffer is null || _buffer.Length < _length + source.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(4096, _length + source.Length));
                if (_buffer is { } old)
                {
                    old.AsSpan(0, _length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(old);
                }
                _buffer = larger;
            }
            source.CopyTo(_buffer.AsSpan(_length));
            _length += source.Length;
        }

        // From now on everything goes straight to the original body; what was held goes first.
        private async Task SpillAsync(CancellationToken cancellationToken)
        {
            _passThrough = true;
            if (_length > 0)
            {
                var held = _length;
                _length = 0;
                await original.Stream.WriteAsync(_buffer.AsMemory(0, held), cancellationToken);
            }
        }

        private async Task SpillThenFlushAsync(CancellationToken cancellationToken)
        {
            await SpillAsync(cancellationToken);
            await original.Stream.FlushAsync(cancellationToken);
        }
    }
}
