using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Unicode;
using Marketplace.Domain.Reference;

namespace Marketplace.Infrastructure.Catalog;

/// Reads a catalog import body (api.md "Catalogs") record by record as it arrives. It holds at
/// most one record (64 KiB) plus what the pipe has buffered: a longer record is skipped to its
/// end as it streams and rejected as a whole-row error. The SHA-256 of the raw bytes (BOM
/// included) is computed on the way, for the Idempotency-Key check.
///
/// Records are framed on LF; a CR before it is dropped. In CSV a newline inside quotes belongs
/// to the record (and counts as a physical line). Lines of only spaces and tabs are blank.
public sealed class CatalogReader : IAsyncDisposable
{
    public const int MaxRecordBytes = 64 * 1024;

    private const int StreamBufferSize = 64 * 1024;

    private readonly PipeReader pipe;
    private readonly bool ownsPipe;
    private readonly CatalogFormat format;
    private readonly CatalogRow row;
    private readonly CsvRowParser csv = new();
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] scratch = new byte[MaxRecordBytes];

    private ReadOnlySequence<byte> buffer;
    private bool holding;
    private bool completed;
    private bool ended;
    private bool bomChecked;
    private long bufferStartAbs;
    private long hashedAbs;
    private long recordStartAbs;
    private long scannedAbs;
    private bool skipping;
    private ScanMode mode;
    private bool fieldStart = true;
    private long newlinesInRecord;
    private long nextLine = 1;

    private FrameKind frameKind;
    private ReadOnlySequence<byte> frame;
    private long frameLine;

    private bool started;
    private bool headerRead;
    private int[] columns = [];
    private int[] cellOf = [];
    private byte[]? sha256;

    public CatalogReader(PipeReader body, CatalogFormat format, ReferenceData reference)
        : this(body, false, format, reference)
    {
    }

    /// The stream is left open; disposing the reader completes only its own pipe over it.
    public CatalogReader(Stream body, CatalogFormat format, ReferenceData reference)
        : this(PipeReader.Create(body ?? throw new ArgumentNullException(nameof(body)),
            new StreamPipeReaderOptions(bufferSize: StreamBufferSize, minimumReadSize: StreamBufferSize / 4, leaveOpen: true)),
            true, format, reference)
    {
    }

    private CatalogReader(PipeReader body, bool ownsPipe, CatalogFormat format, ReferenceData reference)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(reference);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format));
        }

        pipe = body;
        this.ownsPipe = ownsPipe;
        this.format = format;
        row = new CatalogRow(reference);
    }

    private enum ScanMode
    {
        Unquoted,
        Quoted,
        QuoteSeen,
    }

    private enum FrameKind
    {
        Record,
        TooLong,
        Unterminated,
    }

    /// Bytes of the body read so far (all of it once the body ended).
    public long BytesRead => hashedAbs;

    /// Physical lines seen so far, blank lines included.
    public long LinesRead => nextLine - 1;

    /// True once the whole body was read (records all yielded, or drained by `ReadToEndAsync`).
    public bool IsBodyComplete => sha256 is not null;

    /// SHA-256 of the raw body bytes; available once the body was read to its end.
    public byte[] BodySha256 => sha256?.ToArray()
        ?? throw new InvalidOperationException("The body hash is known only once the body was read to its end.");

    /// The CSV column names in body order, once the header was read (empty for NDJSON).
    public IReadOnlyList<string> Columns => columns.Select(c => CatalogFields.Names[c]).ToArray();

    /// For CSV, reads and checks the header (throws `CatalogHeaderException`); for NDJSON does
    /// nothing. `ReadAsync` calls it when it was not called first.
    public async ValueTask ReadHeaderAsync(CancellationToken ct = default)
    {
        if (headerRead || format != CatalogFormat.Csv)
        {
            headerRead = true;
            return;
        }

        headerRead = true;
        if (!await NextFrameAsync(ct))
        {
            throw new CatalogHeaderException("A CSV catalog starts with a header row; the body is empty.");
        }

        CheckHeader();
    }

    /// The non-blank records in body order, one at a time. Enumerate once.
    public async IAsyncEnumerable<CatalogRecord> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (started)
        {
            throw new InvalidOperationException("A catalog body can be read once.");
        }

        started = true;
        await ReadHeaderAsync(ct);
        try
        {
            while (await NextFrameAsync(ct))
            {
                if (frameKind == FrameKind.Record && IsBlank(frame))
                {
                    continue;
                }

                yield return ParseFrame();
            }
        }
        finally
        {
            // An abandoned enumeration leaves the pipe consistent, so ReadToEndAsync can go on.
            Release();
        }
    }

    /// Reads (and hashes) whatever of the body is left, e.g. after a header error, and returns
    /// the body's SHA-256.
    public async ValueTask<byte[]> ReadToEndAsync(CancellationToken ct = default)
    {
        if (ended)
        {
            Release();
        }

        while (sha256 is null)
        {
            if (!holding)
            {
                await ReadMoreAsync(ct);
            }

            var done = completed;
            bufferStartAbs += buffer.Length;
            pipe.AdvanceTo(buffer.End);
            holding = false;
            if (done)
            {
                ended = true;
                Finish();
            }
        }

        return BodySha256;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        hash.Dispose();
        if (ownsPipe)
        {
            await pipe.CompleteAsync();
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            if (segment.Span.IndexOfAnyExcept((byte)' ', (byte)'\t') >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private void CheckHeader()
    {
        if (frameKind == FrameKind.TooLong)
        {
            throw new CatalogHeaderException($"The CSV header is longer than {MaxRecordBytes} bytes.");
        }

        if (frameKind == FrameKind.Unterminated)
        {
            throw new CatalogHeaderException("The CSV header has an unterminated quote.");
        }

        if (frameLine != 1 || IsBlank(frame))
        {
            throw new CatalogHeaderException("A CSV catalog starts with a header row on line 1.");
        }

        var bytes = Contiguous(frame);
        if (!Utf8.IsValid(bytes) || !csv.Split(bytes))
        {
            throw new CatalogHeaderException("The CSV header is not valid UTF-8 CSV.");
        }

        var errors = new List<CatalogFieldError>();
        var map = new int[csv.Count];
        var present = new bool[CatalogFields.Count];
        for (var i = 0; i < csv.Count; i++)
        {
            var name = csv.Text(bytes, i) ?? "";
            var f = CatalogFields.IndexOf(name);
            map[i] = f;
            if (f < 0)
            {
                errors.Add(new CatalogFieldError(name, $"Unknown column '{name}'."));
            }
            else if (present[f])
            {
                errors.Add(new CatalogFieldError(name, $"Column '{name}' appears more than once."));
            }
            else
            {
                present[f] = true;
            }
        }

        for (var f = 0; f < CatalogFields.Count; f++)
        {
            if (!present[f] && CatalogFields.IsRequired((CatalogField)f))
            {
                errors.Add(new CatalogFieldError(CatalogFields.Names[f], $"Required column '{CatalogFields.Names[f]}' is missing."));
            }
        }

        if (errors.Count > 0)
        {
            throw new CatalogHeaderException(errors);
        }

        columns = map;
        cellOf = new int[CatalogFields.Count];
        for (var f = 0; f < cellOf.Length; f++)
        {
            cellOf[f] = Array.IndexOf(map, f);
        }
    }

    private CatalogRecord ParseFrame()
    {
        row.Reset();
        switch (frameKind)
        {
            case FrameKind.TooLong:
                row.FailWholeRow($"The record is longer than {MaxRecordBytes} bytes.");
                return row.Build(frameLine);
            case FrameKind.Unterminated:
                row.FailWholeRow("A quoted cell is never closed: the record runs to the end of the body.");
                return row.Build(frameLine);
        }

        var bytes = Contiguous(frame);
        if (!Utf8.IsValid(bytes))
        {
            row.FailWholeRow("The record is not valid UTF-8.");
            return row.Build(frameLine);
        }

        if (format == CatalogFormat.Ndjson)
        {
            NdjsonRowParser.Parse(bytes, row);
            return row.Build(frameLine);
        }

        if (!csv.Split(bytes))
        {
            row.FailWholeRow("Malformed quoting: a closing quote must be followed by ',' or the end of the record.");
            return row.Build(frameLine);
        }

        if (csv.Count != columns.Length)
        {
            // Best effort, so that ?mode=replace does not delete the item this row meant.
            var skuColumn = cellOf[(int)CatalogField.Sku];
            if (skuColumn < csv.Count)
            {
                row.SetText(CatalogField.Sku, csv.Text(bytes, skuColumn));
            }

            row.FailWholeRow($"Expected {columns.Length} cells as in the header, found {csv.Count}.");
            return row.Build(frameLine);
        }

        for (var i = 0; i < columns.Length; i++)
        {
            var f = (CatalogField)columns[i];
            var cell = csv.Raw(bytes, i, out var escaped);
            if (cell.IsEmpty || CatalogRow.TextNumbers.Contains(f))
            {
                continue; // an empty cell is null; numbers below
            }

            if (escaped)
            {
                row.SetText(f, csv.Text(bytes, i));
            }
            else
            {
                row.SetUtf8(f, cell);
            }
        }

        foreach (var f in CatalogRow.TextNumbers)
        {
            // An escaped cell keeps its doubled quote here: no number either way.
            if (cellOf[(int)f] is var i and >= 0)
            {
                row.ParseNumber(f, csv.Raw(bytes, i, out _));
            }
        }

        return row.Build(frameLine);
    }

    private ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            return bytes.FirstSpan;
        }

        bytes.CopyTo(scratch);
        return scratch.AsSpan(0, (int)bytes.Length);
    }

    // Frames the next record (blank ones included) into `frame`, `frameKind` and `frameLine`;
    // false at the end of the body. `frame` stays valid until the next call.
    private async ValueTask<bool> NextFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            if (!holding)
            {
                if (ended)
                {
                    return false;
                }

                await ReadMoreAsync(ct);
                if (!bomChecked)
                {
                    if (buffer.Length < 3 && !completed)
                    {
                        Release();
                        continue;
                    }

                    bomChecked = true;
                    if (StartsWithBom(buffer))
                    {
                        recordStartAbs = scannedAbs = 3;
                    }
                }
            }

            if (Scan(buffer.Slice(scannedAbs - bufferStartAbs), out var newlineOffset))
            {
                var newlineAbs = scannedAbs + newlineOffset;
                SetFrame(newlineAbs, atEnd: false);
                recordStartAbs = scannedAbs = newlineAbs + 1;
                return true;
            }

            scannedAbs = bufferStartAbs + buffer.Length;
            if (completed)
            {
                ended = true;
                Finish();
                if (recordStartAbs < scannedAbs || skipping)
                {
                    SetFrame(scannedAbs, atEnd: true);
                    recordStartAbs = scannedAbs;
                    return true;
                }

                Release();
                return false;
            }

            // One byte of slack for a CR whose LF has not arrived yet.
            if (!skipping && scannedAbs - recordStartAbs > MaxRecordBytes + 1)
            {
                skipping = true;
            }

            Release();
        }
    }

    private async ValueTask ReadMoreAsync(CancellationToken ct)
    {
        var result = await pipe.ReadAsync(ct);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The catalog body read was cancelled.");
        }

        buffer = result.Buffer;
        completed = result.IsCompleted;
        holding = true;
        var fresh = bufferStartAbs + buffer.Length - hashedAbs;
        if (fresh > 0)
        {
            foreach (var segment in buffer.Slice(buffer.Length - fresh))
            {
                hash.AppendData(segment.Span);
            }

            hashedAbs += fresh;
        }
    }

    // Gives the held buffer back to the pipe: consumed up to the current record's start (or
    // everything scanned while skipping an over-long record), examined to its end.
    private void Release()
    {
        if (!holding)
        {
            return;
        }

        var consumedAbs = skipping ? scannedAbs : Math.Min(recordStartAbs, bufferStartAbs + buffer.Length);
        consumedAbs = Math.Max(consumedAbs, bufferStartAbs);
        pipe.AdvanceTo(buffer.GetPosition(consumedAbs - bufferStartAbs), buffer.End);
        bufferStartAbs = consumedAbs;
        holding = false;
    }

    private void Finish()
    {
        // Every byte is hashed as soon as it is read, so the hash is whole once the pipe completed.
        sha256 ??= hash.GetHashAndReset();
    }

    private void SetFrame(long endAbs, bool atEnd)
    {
        frameLine = nextLine;
        nextLine += newlinesInRecord + 1;
        if (atEnd && format == CatalogFormat.Csv && mode == ScanMode.Quoted)
        {
            frameKind = FrameKind.Unterminated;
        }
        else if (skipping)
        {
            frameKind = FrameKind.TooLong;
        }
        else
        {
            frame = buffer.Slice(recordStartAbs - bufferStartAbs, endAbs - recordStartAbs);
            if (frame.Length > 0 && LastByte(frame) == (byte)'\r')
            {
                frame = frame.Slice(0, frame.Length - 1);
            }

            frameKind = frame.Length > MaxRecordBytes ? FrameKind.TooLong : FrameKind.Record;
        }

        if (frameKind != FrameKind.Record)
        {
            frame = default;
        }

        skipping = false;
        mode = ScanMode.Unquoted;
        fieldStart = true;
        newlinesInRecord = 0;
    }

    private static bool StartsWithBom(ReadOnlySequence<byte> bytes)
    {
        if (bytes.Length < 3)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        bytes.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual("\uFEFF"u8);
    }

    private static byte LastByte(ReadOnlySequence<byte> bytes) => bytes.Slice(bytes.Length - 1).FirstSpan[0];

    // Looks for the LF that ends the current record, resuming the quote state where the last
    // call stopped. `offset` is relative to the start of `bytes`.
    private bool Scan(ReadOnlySequence<byte> bytes, out long offset)
    {
        long seen = 0;
        foreach (var segment in bytes)
        {
            var span = segment.Span;
            var i = format == CatalogFormat.Ndjson ? span.IndexOf((byte)'\n') : ScanCsv(span);
            if (i >= 0)
            {
                offset = seen + i;
                return true;
            }

            seen += span.Length;
        }

        offset = -1;
        return false;
    }

    private int ScanCsv(ReadOnlySpan<byte> span)
    {
        var i = 0;
        while (i < span.Length)
        {
            switch (mode)
            {
                case ScanMode.Quoted:
                {
                    var k = span[i..].IndexOfAny((byte)'"', (byte)'\n');
                    if (k < 0)
                    {
                        return -1;
                    }

                    i += k;
                    if (span[i] == (byte)'\n')
                    {
                        newlinesInRecord++;
                    }
                    else
                    {
                        mode = ScanMode.QuoteSeen;
                    }

                    i++;
                    break;
                }

                case ScanMode.QuoteSeen:
                    // A doubled quote stays inside the cell; anything else closes it.
                    if (span[i] == (byte)'"')
                    {
                        mode = ScanMode.Quoted;
                        i++;
                    }
                    else
                    {
                        mode = ScanMode.Unquoted;
                        fieldStart = false;
                    }

                    break;
                default:
                {
                    var k = span[i..].IndexOfAny((byte)'"', (byte)'\n');
                    if (k < 0)
                    {
                        fieldStart = span[^1] == (byte)',';
                        return -1;
                    }

                    var p = i + k;
                    if (span[p] == (byte)'\n')
                    {
                        return p;
                    }

                    // Only a quote that opens a cell starts quoting.
                    var opensCell = p > i ? span[p - 1] == (byte)',' : fieldStart;
                    if (opensCell)
                    {
                        mode = ScanMode.Quoted;
                    }

                    fieldStart = false;
                    i = p + 1;
                    break;
                }
            }
        }

        return -1;
    }
}
