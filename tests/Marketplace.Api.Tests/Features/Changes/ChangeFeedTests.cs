using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Tests.Features.Changes;

/// api.md, Change feed: `GET /changes?after=&limit=` for admins, in token order, never skipping
/// a change even when transactions commit out of order.
public abstract class ChangeFeedTests(ApiFactory api)
{
    private sealed record Item(long Token, string Kind, string Id, string At);

    [Fact]
    public async Task Only_admins_read_the_feed()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).GetAsync("/api/v1/changes")).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await api.Anonymous().GetAsync("/api/v1/changes")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        await (await api.Admin().GetAsync("/api/v1/changes")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Creating_and_patching_companies_appends_company_changes_in_order()
    {
        var (_, start) = await FollowAsync(0, 200, _ => true);
        var created = await (await api.Admin().PostJsonAsync("/api/v1/companies", new
        {
            name = "Feed Co", taxId = Scenario.NewTaxId(), roles = new[] { "supplier" }, size = "small",
        })).ExpectAsync(HttpStatusCode.Created);
        var id = (string)created["id"]!;
        var stamps = new List<string> { (string)created["updatedAt"]! };

        // Every fact matching uses is a change: name, roles, size, certifications, active.
        foreach (var patch in new object[]
                 {
                     new { name = "Feed Co renamed" }, new { roles = new[] { "supplier", "anchor" } }, new { size = "medium" },
                     new { certifications = new[] { "ISO9001" } }, new { active = false },
                 })
        {
            api.Clock.Advance(TimeSpan.FromSeconds(1));
            var patched = await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{id}", patch)).ExpectAsync(HttpStatusCode.OK);
            stamps.Add((string)patched["updatedAt"]!);
        }
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = await api.CreateCompanyAsync();

        var (seen, _) = await FollowAsync(start, 200, s => s.Any(i => i.Id == later.Id));
        var mine = seen.Where(i => i.Id == id).ToList();
        Assert.Equal(6, mine.Count);
        Assert.All(mine, i => Assert.Equal("company", i.Kind));
        Assert.All(mine, i => Assert.EndsWith("Z", i.At));
        Assert.Equal(stamps.Select(Instant), mine.Select(i => Instant(i.At)));
        var laterChange = Assert.Single(seen, i => i.Id == later.Id);
        Assert.Equal("company", laterChange.Kind);
        Assert.True(laterChange.Token > mine[^1].Token);
    }

    [Fact]
    public async Task Walking_with_limit_from_0_sees_every_change_exactly_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await api.CreateCompanyAsync()).Id);
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{ids[0]}", new { name = "Walked" })).ExpectAsync(HttpStatusCode.OK);

        var (walk, cursor) = await FollowAsync(0, 2, s => ids.All(id => s.Any(i => i.Id == id)));
        Assert.Equal(walk[^1].Token, cursor);
        Assert.Equal(2, walk.Count(i => i.Id == ids[0]));
        Assert.All(ids.Skip(1), id => Assert.Single(walk, i => i.Id == id));

        // Every committed change up to where the walk ended was seen, once, in token order.
        var stored = await api.QueryAsync<long>(
            (api.Provider == "sqlserver" ? "SELECT CAST(token AS bigint)" : "SELECT token") + " FROM changes ORDER BY token");
        Assert.Equal(stored.Where(t => t <= cursor), walk.Select(i => i.Token));
        // The same feed read in one page agrees.
        var (whole, _) = await FollowAsync(0, 200, s => s.Any(i => i.Token >= cursor));
        Assert.Equal(walk.Select(i => i.Token), whole.Where(i => i.Token <= cursor).Select(i => i.Token));
    }

    [Fact]
    public async Task Empty_page_answers_the_given_after_or_0_never_null()
    {
        var fresh = (ApiFactory)Activator.CreateInstance(api.GetType())!;
        await fresh.InitializeAsync();
        try
        {
            foreach (var (query, expected) in new[] { ("", 0L), ("?after=0", 0L), ("?limit=5", 0L), ("?after=12345", 12345L) })
            {
                var page = await (await fresh.Admin().GetAsync("/api/v1/changes" + query)).ExpectAsync(HttpStatusCode.OK);
                Assert.Empty(page["items"]!.AsArray());
                Assert.Equal(expected, Token(page["nextCursor"]));
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }

        await api.CreateCompanyAsync();
        var (_, end) = await FollowAsync(0, 200, _ => true);
        Assert.True(end > 0);
        var beyond = end + 1_000_000;
        var last = await (await api.Admin().GetAsync($"/api/v1/changes?after={beyond}&limit=10")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(last["items"]!.AsArray());
        Assert.Equal(beyond, Token(last["nextCursor"]));
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1", "after")]
    [InlineData("after=1.5", "after")]
    [InlineData("after=99999999999999999999", "after")]
    [InlineData("after=1&after=2", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=x", "limit")]
    public async Task Malformed_after_or_limit_is_400(string query, string field) =>
        await (await api.Admin().GetAsync("/api/v1/changes?" + query)).ExpectFieldErrorAsync(field);

    [Fact]
    public async Task A_reader_never_skips_a_change_whose_transaction_commits_late()
    {
        var ct = CancellationToken.None;
        await using var db = api.OpenDb();
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        var at = api.Clock.GetUtcNow();

        await using var connectionA = await db.OpenAsync(ct);
        await using var connectionB = await db.OpenAsync(ct);
        await using var reader = await db.OpenAsync(ct);
        var txA = await db.BeginWriteAsync(connectionA, ct);
        await ChangeFeed.RecordAsync(connectionA, txA, db.Dialect, ChangeKinds.Company, a, at, ct);

        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // One writer at a time: B waits for A's lock, so the commit order is A then B.
            var beginB = Task.Run(async () => await db.BeginWriteAsync(connectionB, ct), ct);
            await Task.Delay(500, ct);
            Assert.False(beginB.IsCompleted, "The second writer did not wait for the first.");
            await AssertNotYetReadAsync(reader, db, a, b);
            await txA.CommitAsync(ct);
            var txB = await beginB.WaitAsync(TimeSpan.FromSeconds(5), ct);
            await ChangeFeed.RecordAsync(connectionB, txB, db.Dialect, ChangeKinds.Company, b, at, ct);
            await txB.CommitAsync(ct);
            await txB.DisposeAsync();
        }
        else
        {
            // Both open at once; B started after A (a later token) and commits first.
            var txB = await db.BeginWriteAsync(connectionB, ct);
            await ChangeFeed.RecordAsync(connectionB, txB, db.Dialect, ChangeKinds.Company, b, at, ct);
            await txB.CommitAsync(ct);
            await txB.DisposeAsync();
            Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM changes WHERE entity_id = @b", new { b }));
            // B is committed, A is not: B's change must not be returned yet, or a reader would move past A's.
            var cursor = await AssertNotYetReadAsync(reader, db, a, b);

            await txA.CommitAsync(ct);
            var (resumed, _) = await FollowAsync(cursor, 200, s => s.Any(i => i.Id == a.ToString()) && s.Any(i => i.Id == b.ToString()));
            var fromA = Assert.Single(resumed, i => i.Id == a.ToString());
            var fromB = Assert.Single(resumed, i => i.Id == b.ToString());
            Assert.True(fromA.Token < fromB.Token, "Tokens follow the order the transactions started in.");
            var direct = await ReadDirectUntilAsync(reader, db, cursor, a, b);
            Assert.Single(direct, c => c.EntityId == a);
            Assert.Single(direct, c => c.EntityId == b);
        }
        await txA.DisposeAsync();

        var (all, _) = await FollowAsync(0, 3, s => s.Any(i => i.Id == a.ToString()) && s.Any(i => i.Id == b.ToString()));
        var tokenA = Assert.Single(all, i => i.Id == a.ToString()).Token;
        var tokenB = Assert.Single(all, i => i.Id == b.ToString()).Token;
        Assert.True(tokenA < tokenB);
        var everything = await ReadDirectUntilAsync(reader, db, 0, a, b);
        Assert.Single(everything, c => c.EntityId == a);
        Assert.Single(everything, c => c.EntityId == b);
    }

    /// Neither reader (the library's ReadAsync nor the API) returns A's or B's change now;
    /// answers the API's cursor at the end of what it returned.
    private async Task<long> AssertNotYetReadAsync(System.Data.Common.DbConnection reader, Db db, Guid a, Guid b)
    {
        var direct = await ChangeFeed.ReadAsync(reader, db.Dialect, 0, 100_000, CancellationToken.None);
        Assert.DoesNotContain(direct, c => c.EntityId == a || c.EntityId == b);
        var (viaApi, cursor) = await FollowAsync(0, 200, _ => true);
        Assert.DoesNotContain(viaApi, i => i.Id == a.ToString() || i.Id == b.ToString());
        return cursor;
    }

    /// ReadAsync from `after` until both changes are there (other databases on the same server
    /// may hold PostgreSQL's watermark back for a moment), checking token order throughout.
    private static async Task<List<Change>> ReadDirectUntilAsync(System.Data.Common.DbConnection reader, Db db, long after, Guid a, Guid b)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var changes = (await ChangeFeed.ReadAsync(reader, db.Dialect, after, 100_000, CancellationToken.None)).ToList();
            Assert.All(changes, c => Assert.True(c.Token > after));
            Assert.Equal(changes.Select(c => c.Token).Order(), changes.Select(c => c.Token));
            Assert.Equal(changes.Count, changes.Select(c => c.Token).Distinct().Count());
            if (changes.Any(c => c.EntityId == a) && changes.Any(c => c.EntityId == b)) return changes;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The committed changes never became readable.");
            await Task.Delay(50);
        }
    }

    /// Follows `nextCursor` from `after` with pages of `limit`, as a reader of the feed would, until
    /// an empty page finds `done` true (an empty page before that is retried: on PostgreSQL,
    /// transactions of other test databases on the same server may hold the watermark back for a
    /// moment). Checks the paging contract on every page.
    private async Task<(List<Item> Seen, long Cursor)> FollowAsync(long after, int limit, Func<List<Item>, bool> done)
    {
        var seen = new List<Item>();
        var cursor = after;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await (await api.Admin().GetAsync($"/api/v1/changes?after={cursor}&limit={limit}")).ExpectAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray().Select(i => new Item(
                (long)i!["token"]!, (string)i["kind"]!, (string)i["id"]!, (string)i["at"]!)).ToList();
            Assert.True(items.Count <= limit, $"{items.Count} items for limit {limit}");
            var next = Token(page["nextCursor"]);
            Assert.Equal(items.Count > 0 ? items[^1].Token : cursor, next);
            foreach (var item in items)
            {
                Assert.True(item.Token > (seen.Count > 0 ? seen[^1].Token : after), "Tokens must increase along the walk.");
                seen.Add(item);
            }
            cursor = next;
            if (items.Count == 0)
            {
                if (done(seen)) return (seen, cursor);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The expected changes never appeared in the feed.");
                await Task.Delay(50);
            }
        }
    }

    /// nextCursor is the token to pass as `after` next; never null.
    private static long Token(JsonNode? node)
    {
        Assert.NotNull(node);
        return node.GetValueKind() == JsonValueKind.String
            ? long.Parse((string)node!, NumberStyles.None, CultureInfo.InvariantCulture)
            : (long)node;
    }

    private static DateTimeOffset Instant(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);
}

public sealed class ChangeFeedTestsOnSqlite(SqliteApi api) : ChangeFeedTests(api), IClassFixture<SqliteApi>;
public sealed class ChangeFeedTestsOnPostgres(PostgresApi api) : ChangeFeedTests(api), IClassFixture<PostgresApi>;
