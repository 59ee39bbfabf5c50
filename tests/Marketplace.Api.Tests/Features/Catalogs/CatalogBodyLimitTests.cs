using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// `Marketplace:Catalog:MaxBodyBytes`: a body over the limit is 413, whether its length is
/// declared (refused before reading) or not (chunked: refused once the limit is crossed), and
/// nothing of it is written.
public abstract class CatalogBodyLimitTests
{
    private const int Limit = 600;
    private readonly ApiFactory _api;

    protected CatalogBodyLimitTests(ApiFactory api) => _api = api.With("Marketplace:Catalog:MaxBodyBytes", Limit.ToString());

    private static string Body(int rows) =>
        CatalogScenario.NdjsonOf(Enumerable.Range(0, rows).Select(i => (object)CatalogScenario.Row($"L-{i}")).ToArray());

    [Fact]
    public async Task Declared_length_over_the_limit_is_413()
    {
        var w = await _api.CreateCompanyAsync(roles: ["wholesaler"]);
        var body = Body(10);
        Assert.True(Encoding.UTF8.GetByteCount(body) > Limit);
        await (await _api.As(w.Key).ImportAsync(w.Id, body)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
        Assert.Empty(await _api.StoredItemsAsync(w.Id));
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_and_writes_nothing()
    {
        var w = await _api.CreateCompanyAsync(roles: ["wholesaler"]);
        var client = _api.As(w.Key);
        var small = Body(2);
        Assert.True(Encoding.UTF8.GetByteCount(small) <= Limit);
        await (await client.SendAsync(Chunked(w.Id, small))).ExpectAsync(HttpStatusCode.OK);
        var mark = await _api.ChangeMarkAsync();

        await (await client.SendAsync(Chunked(w.Id, Body(10), "i-413")))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");

        Assert.Equal(["L-0", "L-1"], (await _api.StoredItemsAsync(w.Id)).Select(i => i.Sku));
        Assert.Empty(await _api.ChangesAfterAsync(mark, 1));
        // A 413 is never stored: the same key runs again (and fails again the same way).
        await (await client.SendAsync(Chunked(w.Id, Body(10), "i-413")))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
    }

    private static HttpRequestMessage Chunked(string wholesalerId, string body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/catalogs/{wholesalerId}/items")
        {
            Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CatalogScenario.Ndjson);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    /// A stream that cannot tell its length, so the request carries none.
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

public sealed class CatalogBodyLimitTestsOnSqlite(SqliteApi api) : CatalogBodyLimitTests(api), IClassFixture<SqliteApi>;
public sealed class CatalogBodyLimitTestsOnPostgres(PostgresApi api) : CatalogBodyLimitTests(api), IClassFixture<PostgresApi>;
