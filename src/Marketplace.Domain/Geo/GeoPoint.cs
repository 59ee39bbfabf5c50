namespace Marketplace.Domain.Geo;

// WGS-84 degrees (domain.md coordinates); matching.md measures distance between these.
public readonly record struct GeoPoint(double Lat, double Lon)
{
    // Range checks are false for NaN; infinities fall outside the range.
    public static bool IsValidLatitude(double lat) => lat is >= -90 and <= 90;

    public static bool IsValidLongitude(double lon) => lon is >= -180 and <= 180;
}
