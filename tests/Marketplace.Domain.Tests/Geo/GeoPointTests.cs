using Marketplace.Domain.Geo;

namespace Marketplace.Domain.Tests.Geo;

public sealed class GeoPointTests
{
    [Theory]
    [InlineData(-90.0, true)]
    [InlineData(90.0, true)]
    [InlineData(0.0, true)]
    [InlineData(54.5059848, true)]
    [InlineData(90.0001, false)]
    [InlineData(-90.0001, false)]
    [InlineData(180.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(double.NegativeInfinity, false)]
    public void Latitude_is_valid_only_within_plus_minus_90(double lat, bool valid)
    {
        Assert.Equal(valid, GeoPoint.IsValidLatitude(lat));
    }

    [Theory]
    [InlineData(-180.0, true)]
    [InlineData(180.0, true)]
    [InlineData(0.0, true)]
    [InlineData(135.0598942, true)]
    [InlineData(180.0001, false)]
    [InlineData(-180.0001, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(double.NegativeInfinity, false)]
    public void Longitude_is_valid_only_within_plus_minus_180(double lon, bool valid)
    {
        Assert.Equal(valid, GeoPoint.IsValidLongitude(lon));
    }

    [Fact]
    public void Points_with_equal_coordinates_are_equal()
    {
        var kaluga = new GeoPoint(54.5059848, 36.2516245);
        Assert.Equal(54.5059848, kaluga.Lat);
        Assert.Equal(36.2516245, kaluga.Lon);
        Assert.Equal(new GeoPoint(54.5059848, 36.2516245), kaluga);
        Assert.NotEqual(new GeoPoint(36.2516245, 54.5059848), kaluga);
    }
}
