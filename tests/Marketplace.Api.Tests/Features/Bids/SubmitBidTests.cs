using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Features.Needs;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Bids;

/// POST /needs/{id}/bids: the body's rules, who may bid, one live bid per supplier, and the
/// need's status (bid.late, need.not_open, 404 where the need is hidden).
public abstract class SubmitBidTests(ApiFactory api)
{
    private async Task<(TestAnchor Anchor, TestSupplier Supplier, JsonNode Need)> OpenAsync(Action<JsonObject>? edit = null)
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromDays(2), edit);
        return (anchor, supplier, need);
    }

    private Task<long> BidCountAsync(string needId) =>
        api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id", new { id = Guid.Parse(needId) });

    // ---- a valid bid ----

    [Fact]
    public async Task Bid_is_201_with_location_and_reads_back_the_same_for_the_supplier()
    {
        var (_, supplier, need) = await OpenAsync();

        var response = await api.As(supplier.Key).PostBidAsync(need.Id(),
            BidBody(unitPrice: 125.5m, leadTimeDays: 21, localShare: 0.75, capabilityId: supplier.CapabilityId, comment: "Lathe capacity free from May"));
        var bid = await response.ExpectAsync(HttpStatusCode.Created);

        var id = bid.Id();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal($"/api/v1/needs/{need.Id()}/bids/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(need.Id(), (string?)bid["needId"]);
        Assert.Equal(supplier.Id, (string?)bid["supplierId"]);
        Assert.Equal(125.5m, (decimal)bid["unitPrice"]!);
        Assert.Equal("RUB", (string?)bid["currency"]);
        Assert.Equal(21, (int)bid["leadTimeDays"]!);
        Assert.Equal(0.75, (double)bid["localShare"]!);
        Assert.Equal(supplier.CapabilityId, (string?)bid["capabilityId"]);
        Assert.Equal("Lathe capacity free from May", (string?)bid["comment"]);
        Assert.Equal("submitted", (string?)bid["status"]);
        Assert.Equal(api.Now(), Time(bid["submittedAt"]));
        Assert.EndsWith("Z", (string)bid["submittedAt"]!);

        var read = await (await api.As(supplier.Key).GetAsync(BidPath(need.Id(), id))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(bid.ToJsonString(), read.ToJsonString());
        Assert.Equal(1L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Optional_fields_default_to_the_need_currency_and_null()
    {
        var (_, supplier, need) = await OpenAsync(b => b["currency"] = "EUR");

        var bid = await (await api.As(supplier.Key).PostBidAsync(need.Id(), BidBody())).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("EUR", (string?)bid["currency"]);
        Assert.Null(bid["capabilityId"]);
        Assert.Null(bid["comment"]);
        Assert.True(bid.AsObject().ContainsKey("capabilityId") && bid.AsObject().ContainsKey("comment"));
    }

    [Fact]
    public async Task Boundary_values_are_accepted()
    {
        var (_, supplier, need) = await OpenAsync(b => b["minLocalShare"] = 0.5);
        var body = BidBody(unitPrice: 0.01m, leadTimeDays: 0, localShare: 0.5, comment: new string('c', 2000));
        body["currency"] = "RUB";

        var bid = await (await api.As(supplier.Key).PostBidAsync(need.Id(), body)).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(0.01m, (decimal)bid["unitPrice"]!);
        Assert.Equal(0, (int)bid["leadTimeDays"]!);
        Assert.Equal(0.5, (double)bid["localShare"]!);
        Assert.Equal(2000, ((string)bid["comment"]!).Length);
    }

    // ---- validation ----

    public static TheoryData<string, string?> InvalidFields => new()
    {
        // field, JSON value (null: left out)
        { "unitPrice", null },
        { "unitPrice", "0" },
        { "unitPrice", "-1" },
        { "unitPrice", "\"10\"" },
        { "currency", "\"EUR\"" },
        { "currency", "\"rub\"" },
        { "currency", "\"XYZ\"" },
        { "leadTimeDays", null },
        { "leadTimeDays", "-1" },
        { "leadTimeDays", "1.5" },
        { "leadTimeDays", "\"3\"" },
        { "localShare", null },
        { "localShare", "-0.01" },
        { "localShare", "1.01" },
        { "capabilityId", "\"not-a-capability\"" },
        { "capabilityId", "\"0195f0a4-0000-7000-8000-000000000001\"" },
        { "comment", $"\"{new string('c', 2001)}\"" },
        { "comment", "5" },
        { "id", "\"0195f0a4-0000-7000-8000-000000000001\"" },
        { "needId", "\"0195f0a4-0000-7000-8000-000000000001\"" },
        { "supplierId", "\"0195f0a4-0000-7000-8000-000000000001\"" },
        { "status", "\"awarded\"" },
        { "submittedAt", "\"2026-03-02T09:00:00Z\"" },
        { "discount", "0.1" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_field_is_400_naming_it_and_stores_nothing(string field, string? json)
    {
        var (_, supplier, need) = await OpenAsync();
        var body = BidBody().With(field, json);

        await (await api.As(supplier.Key).PostBidAsync(need.Id(), body)).ExpectFieldErrorAsync(field);

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Local_share_below_the_need_minimum_is_400()
    {
        var (_, supplier, need) = await OpenAsync(b => b["minLocalShare"] = 0.6);

        await (await api.As(supplier.Key).PostBidAsync(need.Id(), BidBody(localShare: 0.59))).ExpectFieldErrorAsync("localShare");

        Assert.Equal(0L, await BidCountAsync(need.Id()));
        await (await api.As(supplier.Key).PostBidAsync(need.Id(), BidBody(localShare: 0.6))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Capability_of_another_supplier_is_400()
    {
        var (anchor, supplier, need) = await OpenAsync();
        var other = await api.CreateSupplierAsync(anchor.ClusterId);

        await (await api.As(supplier.Key).PostBidAsync(need.Id(), BidBody(capabilityId: other.CapabilityId))).ExpectFieldErrorAsync("capabilityId");

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Currency_other_than_the_need_one_is_400_even_after_the_deadline()
    {
        // 400 (step 6) comes before the state conflict (step 8).
        var (_, supplier, need) = await OpenAsync();
        api.PassDeadline(need);
        var body = BidBody();
        body["currency"] = "USD";

        await (await api.As(supplier.Key).PostBidAsync(need.Id(), body)).ExpectFieldErrorAsync("currency");
        await (await api.As(supplier.Key).PostBidAsync(need.Id(), BidBody(unitPrice: 0))).ExpectFieldErrorAsync("unitPrice");
    }

    // ---- who may bid ----

    [Fact]
    public async Task Owner_cannot_bid_on_its_own_need_even_with_the_supplier_role()
    {
        var anchor = await api.CreateAnchorAsync(roles: ["anchor", "supplier"]);
        var need = await api.CreateOpenNeedAsync(anchor);

        await (await api.As(anchor.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        // 403 (step 3) before 400 (step 6).
        await (await api.As(anchor.Key).PostBidAsync(need.Id(), BidBody(unitPrice: -1))).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Company_without_the_supplier_role_and_admin_are_403()
    {
        var (anchor, _, need) = await OpenAsync();
        var otherAnchor = await api.CreateAnchorAsync();
        var wholesaler = await api.CreateAnchorAsync(roles: ["wholesaler"]);

        await (await api.As(otherAnchor.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.As(wholesaler.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.As(anchor.Key).PostBidAsync(need.Id())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await api.Admin().PostBidAsync(need.Id())).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Partner_with_a_grant_bids_for_its_supplier()
    {
        var (_, supplier, need) = await OpenAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);

        var response = await api.AsPartner(partner, supplier.Id).PostBidAsync(need.Id(), BidBody(capabilityId: supplier.CapabilityId));
        var bid = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(supplier.Id, (string?)bid["supplierId"]);
        Assert.Equal(supplier.CapabilityId, (string?)bid["capabilityId"]);
        var read = await (await api.As(supplier.Key).GetAsync(BidPath(need.Id(), bid.Id()))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(bid.ToJsonString(), read.ToJsonString());
        // The supplier itself now has a live bid: a second one from its own key is 409.
        await (await api.As(supplier.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
    }

    [Fact]
    public async Task Partner_without_a_grant_is_403_not_granted()
    {
        var (_, supplier, need) = await OpenAsync();
        var partner = await api.CreatePartnerAsync();

        await (await api.AsPartner(partner, supplier.Id).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
        await (await api.As(partner.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.on_behalf_required");

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    // ---- one live bid per supplier ----

    [Fact]
    public async Task Second_live_bid_is_409_bid_exists_and_after_withdrawing_a_new_bid_is_allowed()
    {
        var (_, supplier, need) = await OpenAsync();
        var client = api.As(supplier.Key);
        var first = await client.BidAsync(need.Id(), unitPrice: 100m);

        await (await client.PostBidAsync(need.Id(), BidBody(unitPrice: 95m))).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        Assert.Equal(1L, await BidCountAsync(need.Id()));

        await client.WithdrawAsync(need.Id(), first.Id());
        var second = await client.BidAsync(need.Id(), unitPrice: 95m);

        Assert.NotEqual(first.Id(), second.Id());
        var mine = await client.ListBidsAsync(need.Id());
        Assert.Equal([first.Id(), second.Id()], mine["items"].Ids());
        Assert.Equal(["withdrawn", "submitted"], mine["items"]!.AsArray().Select(b => (string)b!["status"]!));
        await (await client.PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        Assert.Equal(2L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Different_suppliers_each_have_a_live_bid()
    {
        var (anchor, supplier, need) = await OpenAsync();
        var other = await api.CreateSupplierAsync(anchor.ClusterId);
        await api.BidAsync(supplier, need.Id());
        await api.BidAsync(other, need.Id());
        Assert.Equal(2L, await BidCountAsync(need.Id()));
    }

    // ---- the need's status ----

    [Fact]
    public async Task Bid_after_the_deadline_is_409_bid_late()
    {
        var (_, supplier, need) = await OpenAsync();
        api.Clock.Advance(Time(need["bidDeadline"]) - api.Now()); // exactly at the deadline

        await (await api.As(supplier.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.late");
        api.Clock.Advance(TimeSpan.FromDays(1));
        await (await api.As(supplier.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.late");

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Bid_one_second_before_the_deadline_is_accepted()
    {
        var (_, supplier, need) = await OpenAsync();
        api.Clock.Advance(Time(need["bidDeadline"]) - api.Now() - TimeSpan.FromSeconds(1));
        await api.BidAsync(supplier, need.Id());
    }

    [Fact]
    public async Task Bid_on_a_draft_is_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var draft = await api.CreateDraftAsync(anchor);

        await api.As(supplier.Key).PostBidAsync(draft.Id()).ExpectNotFoundAsync();
        // 404 (step 2) before 400 (step 6).
        await api.As(supplier.Key).PostBidAsync(draft.Id(), BidBody(unitPrice: -1)).ExpectNotFoundAsync();
        await api.As(supplier.Key).PostBidAsync(Guid.CreateVersion7().ToString()).ExpectNotFoundAsync();
        await api.As(supplier.Key).PostBidAsync("not-a-need").ExpectNotFoundAsync();

        Assert.Equal(0L, await BidCountAsync(draft.Id()));
    }

    [Fact]
    public async Task Bid_on_a_cancelled_need_is_404_without_a_previous_bid_and_409_not_open_with_one()
    {
        var (anchor, bidder, need) = await OpenAsync();
        var stranger = await api.CreateSupplierAsync(anchor.ClusterId);
        var first = await api.BidAsync(bidder, need.Id());
        await (await api.As(anchor.Key).CancelAsync(need.Id())).ExpectAsync(HttpStatusCode.OK);

        await api.As(stranger.Key).PostBidAsync(need.Id()).ExpectNotFoundAsync();
        await (await api.As(bidder.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_open");

        Assert.Equal(1L, await BidCountAsync(need.Id()));
        Assert.Equal("cancelled", await api.BidStatusAsync(first.Id()));
    }

    [Fact]
    public async Task Bid_on_an_awarded_need_is_409_not_open()
    {
        var (anchor, winner, need) = await OpenAsync();
        var late = await api.CreateSupplierAsync(anchor.ClusterId);
        var bid = await api.BidAsync(winner, need.Id());
        api.PassDeadline(need);
        await (await api.As(anchor.Key).AwardAsync(need.Id(), bid.Id())).ExpectAsync(HttpStatusCode.OK);

        await (await api.As(late.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_open");
        await (await api.As(winner.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_open");

        Assert.Equal(1L, await BidCountAsync(need.Id()));
    }

    [Fact]
    public async Task Bid_of_an_inactive_supplier_is_403()
    {
        // The supplier's key is first used after the deactivation, so no cached lookup holds it as active.
        var (_, supplier, need) = await OpenAsync();
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);

        await (await api.As(supplier.Key).PostBidAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");

        Assert.Equal(0L, await BidCountAsync(need.Id()));
    }
}

public sealed class SubmitBidTestsOnSqlite(SqliteApi api) : SubmitBidTests(api), IClassFixture<SqliteApi>;
public sealed class SubmitBidTestsOnPostgres(PostgresApi api) : SubmitBidTests(api), IClassFixture<PostgresApi>;
