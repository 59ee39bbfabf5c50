namespace Marketplace.Api.Features.Bids;

public static class BidEndpoints
{
    public static void MapBids(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/needs/{id}/bids").WithTags("Bids");
        SubmitBid.Map(group);
        ListBids.Map(group);
        GetBid.Map(group);
        WithdrawBid.Map(group);
    }
}
