"""England's 153 upper-tier local authorities (counties, unitaries, metropolitan boroughs, the London
boroughs and the City of London, the Isles of Scilly), each with its ONS (GSS) code and the register's
region code (``providers.vocabulary.Region``). Data for migration 0006 and for the test fixture that
puts migration rows back after a flush; the table is the one place the application reads them from.
"""

LOCAL_AUTHORITIES = {
    "north-east": [
        ("E06000047", "County Durham"), ("E06000005", "Darlington"), ("E08000037", "Gateshead"),
        ("E06000001", "Hartlepool"), ("E06000002", "Middlesbrough"), ("E08000021", "Newcastle upon Tyne"),
        ("E08000022", "North Tyneside"), ("E06000057", "Northumberland"), ("E06000003", "Redcar and Cleveland"),
        ("E08000023", "South Tyneside"), ("E06000004", "Stockton-on-Tees"), ("E08000024", "Sunderland"),
    ],
    "north-west": [
        ("E06000008", "Blackburn with Darwen"), ("E06000009", "Blackpool"), ("E08000001", "Bolton"),
        ("E08000002", "Bury"), ("E06000049", "Cheshire East"), ("E06000050", "Cheshire West and Chester"),
        ("E06000063", "Cumberland"), ("E06000006", "Halton"), ("E08000011", "Knowsley"),
        ("E10000017", "Lancashire"), ("E08000012", "Liverpool"), ("E08000003", "Manchester"),
        ("E08000004", "Oldham"), ("E08000005", "Rochdale"), ("E08000006", "Salford"), ("E08000014", "Sefton"),
        ("E08000013", "St Helens"), ("E08000007", "Stockport"), ("E08000008", "Tameside"),
        ("E08000009", "Trafford"), ("E06000007", "Warrington"), ("E06000064", "Westmorland and Furness"),
        ("E08000010", "Wigan"), ("E08000015", "Wirral"),
    ],
    "yorkshire-humber": [
        ("E08000016", "Barnsley"), ("E08000032", "Bradford"), ("E08000033", "Calderdale"),
        ("E08000017", "Doncaster"), ("E06000011", "East Riding of Yorkshire"), ("E06000010", "Kingston upon Hull"),
        ("E08000034", "Kirklees"), ("E08000035", "Leeds"), ("E06000012", "North East Lincolnshire"),
        ("E06000013", "North Lincolnshire"), ("E06000065", "North Yorkshire"), ("E08000018", "Rotherham"),
        ("E08000019", "Sheffield"), ("E08000036", "Wakefield"), ("E06000014", "York"),
    ],
    "east-midlands": [
        ("E06000015", "Derby"), ("E10000007", "Derbyshire"), ("E06000016", "Leicester"),
        ("E10000018", "Leicestershire"), ("E10000019", "Lincolnshire"), ("E06000061", "North Northamptonshire"),
        ("E06000018", "Nottingham"), ("E10000024", "Nottinghamshire"), ("E06000017", "Rutland"),
        ("E06000062", "West Northamptonshire"),
    ],
    "west-midlands": [
        ("E08000025", "Birmingham"), ("E08000026", "Coventry"), ("E08000027", "Dudley"),
        ("E06000019", "Herefordshire"), ("E08000028", "Sandwell"), ("E06000051", "Shropshire"),
        ("E08000029", "Solihull"), ("E10000028", "Staffordshire"), ("E06000021", "Stoke-on-Trent"),
        ("E06000020", "Telford and Wrekin"), ("E08000030", "Walsall"), ("E10000031", "Warwickshire"),
        ("E08000031", "Wolverhampton"), ("E10000034", "Worcestershire"),
    ],
    "east-of-england": [
        ("E06000055", "Bedford"), ("E10000003", "Cambridgeshire"), ("E06000056", "Central Bedfordshire"),
        ("E10000012", "Essex"), ("E10000015", "Hertfordshire"), ("E06000032", "Luton"), ("E10000020", "Norfolk"),
        ("E06000031", "Peterborough"), ("E06000033", "Southend-on-Sea"), ("E10000029", "Suffolk"),
        ("E06000034", "Thurrock"),
    ],
    "london": [
        ("E09000002", "Barking and Dagenham"), ("E09000003", "Barnet"), ("E09000004", "Bexley"),
        ("E09000005", "Brent"), ("E09000006", "Bromley"), ("E09000007", "Camden"), ("E09000001", "City of London"),
        ("E09000008", "Croydon"), ("E09000009", "Ealing"), ("E09000010", "Enfield"), ("E09000011", "Greenwich"),
        ("E09000012", "Hackney"), ("E09000013", "Hammersmith and Fulham"), ("E09000014", "Haringey"),
        ("E09000015", "Harrow"), ("E09000016", "Havering"), ("E09000017", "Hillingdon"), ("E09000018", "Hounslow"),
        ("E09000019", "Islington"), ("E09000020", "Kensington and Chelsea"), ("E09000021", "Kingston upon Thames"),
        ("E09000022", "Lambeth"), ("E09000023", "Lewisham"), ("E09000024", "Merton"), ("E09000025", "Newham"),
        ("E09000026", "Redbridge"), ("E09000027", "Richmond upon Thames"), ("E09000028", "Southwark"),
        ("E09000029", "Sutton"), ("E09000030", "Tower Hamlets"), ("E09000031", "Waltham Forest"),
        ("E09000032", "Wandsworth"), ("E09000033", "Westminster"),
    ],
    "south-east": [
        ("E06000036", "Bracknell Forest"), ("E06000043", "Brighton and Hove"), ("E06000060", "Buckinghamshire"),
        ("E10000011", "East Sussex"), ("E10000014", "Hampshire"), ("E06000046", "Isle of Wight"),
        ("E10000016", "Kent"), ("E06000035", "Medway"), ("E06000042", "Milton Keynes"),
        ("E10000025", "Oxfordshire"), ("E06000044", "Portsmouth"), ("E06000038", "Reading"),
        ("E06000039", "Slough"), ("E06000045", "Southampton"), ("E10000030", "Surrey"),
        ("E06000037", "West Berkshire"), ("E10000032", "West Sussex"), ("E06000040", "Windsor and Maidenhead"),
        ("E06000041", "Wokingham"),
    ],
    "south-west": [
        ("E06000022", "Bath and North East Somerset"), ("E06000058", "Bournemouth, Christchurch and Poole"),
        ("E06000023", "Bristol"), ("E06000052", "Cornwall"), ("E10000008", "Devon"), ("E06000059", "Dorset"),
        ("E10000013", "Gloucestershire"), ("E06000053", "Isles of Scilly"), ("E06000024", "North Somerset"),
        ("E06000026", "Plymouth"), ("E06000066", "Somerset"), ("E06000025", "South Gloucestershire"),
        ("E06000030", "Swindon"), ("E06000027", "Torbay"), ("E06000054", "Wiltshire"),
    ],
}  # fmt: skip


def load_local_authorities(apps) -> None:
    LocalAuthority = apps.get_model("programmes", "LocalAuthority")
    LocalAuthority.objects.bulk_create(
        [
            LocalAuthority(code=code, name=name, region=region)
            for region, authorities in LOCAL_AUTHORITIES.items()
            for code, name in authorities
        ],
        ignore_conflicts=True,
    )
