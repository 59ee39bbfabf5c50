using System.Security.Cryptography;
using Marketplace.Api.Common.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Marketplace.Api.Common.Http;

/// A request body too large to hold (catalog imports): step 4 checks its content type (415) and
/// declared length (413) before anything is read; the handler then reads it as it arrives,
/// through a stream that answers 413 as soon as more than `MaxBytes` arrived (chunked bodies).
public sealed class StreamedBody<TFormat> : IStreamedBody where TFormat : struct
{
    private readonly HttpRequest _request;
    private readonly Func<string?, TFormat?> _format;
    private readonly string _accepted;
    private LimitedStream? _stream;

    public StreamedBody(HttpRequest request, long maxBytes, Func<string?, TFormat?> format, string accepted)
    {
        _request = request;
        _format = format;
        _accepted = accepted;
        MaxBytes = maxBytes;
    }

    public long MaxBytes { get; }

    /// The format named by the Content-Type; set once `Check` passed.
    public TFormat Format { get; private set; }

    public void Check()
    {
        Format = _format(_request.ContentType) ?? throw ApiException.UnsupportedMediaType(_accepted);
        if (_request.ContentLength > MaxBytes) throw ApiException.TooLarge(MaxBytes);
        // Kestrel's own limit (30 MB by default) would cut the body short: this one applies instead.
        if (_request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null;
    }

    public Stream Stream => _stream ??= new LimitedStream(_request.Body, MaxBytes);

    public async ValueTask<byte[]> HashToEndAsync(CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await Stream.ReadAsync(chunk, ct)) > 0) sha.AppendData(chunk, 0, read);
        return sha.GetHashAndReset();
    }

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await inner.ReadAsync(buffer, ct);
            _read += read;
            if (_read > limit) throw ApiException.TooLarge(limit);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// A body read while the handler runs: the pipeline checks it in step 4, and idempotency can hash
/// it to its end (a replay or a reused key is decided on the whole body, nothing buffered).
public interface IStreamedBody
{
    void Check();
    ValueTask<byte[]> HashToEndAsync(CancellationToken ct);
}

/// Messages that carry a streamed body implement this.
public interface IHasStreamedBody
{
    IStreamedBody Body { get; }
}
