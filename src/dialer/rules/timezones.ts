/**
 * Where is the callee? From an E.164 number to the IANA time zones its owner may be in.
 *
 * libphonenumber-js (its bundled metadata) gives the region of a number — US, CA, PR, GB, GG, AU… —
 * but carries no time-zone data. The tables below add it, in three steps from precise to coarse:
 *
 * 1. North American area codes (US and Canada) we can place. An area code that crosses a zone line
 *    (850 in the Florida panhandle, 541 in Oregon, 306 with Lloydminster…) maps to every zone it
 *    touches.
 * 2. Australian numbers by the first digit of the national number (2, 3, 7, 8 are the geographic
 *    areas; mobiles and non-geographic numbers are anywhere).
 * 3. Otherwise every zone of the region. An unlisted area code in a multi-zone region therefore
 *    means "any zone of that country".
 *
 * The caller then applies the most conservative reading: a call is allowed only when the local time
 * is inside the window in EVERY zone returned. A region we have no table for, or a number
 * libphonenumber cannot place, yields no zone, and no call without an explicit time zone.
 *
 * Zone names are IANA identifiers; several zones with identical rules (all of US Eastern, say) are
 * represented by one. Tables are data, kept deliberately small where uncertain: an area code left out
 * costs reach (its callers get the whole-country window), never compliance.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

const ET = 'America/New_York';
const CT = 'America/Chicago';
const MT = 'America/Denver';
const AZ = 'America/Phoenix';
const PT = 'America/Los_Angeles';
const AK = 'America/Anchorage';
const ALEUTIAN = 'America/Adak';
const HI = 'Pacific/Honolulu';

const US_ZONES = [ET, CT, MT, AZ, PT, AK, ALEUTIAN, HI] as const;

const CA_ZONES = [
  'America/St_Johns',
  'America/Halifax',
  'America/Blanc-Sablon',
  'America/Toronto',
  'America/Atikokan',
  'America/Winnipeg',
  'America/Regina',
  'America/Edmonton',
  'America/Creston',
  'America/Dawson_Creek',
  'America/Fort_Nelson',
  'America/Vancouver',
  'America/Whitehorse',
  'America/Iqaluit',
  'America/Rankin_Inlet',
  'America/Cambridge_Bay',
  'America/Inuvik',
] as const;

const AU_ZONES = [
  'Australia/Perth',
  'Australia/Eucla',
  'Australia/Darwin',
  'Australia/Adelaide',
  'Australia/Broken_Hill',
  'Australia/Brisbane',
  'Australia/Lindeman',
  'Australia/Sydney',
  'Australia/Melbourne',
  'Australia/Hobart',
  'Australia/Lord_Howe',
] as const;

/** Every zone of a region (ISO 3166 code as libphonenumber-js reports it). */
export const REGION_ZONES: Readonly<Record<string, readonly string[]>> = {
  US: US_ZONES,
  CA: CA_ZONES,
  AU: AU_ZONES,
  // Other members of the North American Numbering Plan.
  PR: ['America/Puerto_Rico'],
  VI: ['America/St_Thomas'],
  GU: ['Pacific/Guam'],
  MP: ['Pacific/Saipan'],
  AS: ['Pacific/Pago_Pago'],
  AG: ['America/Antigua'],
  AI: ['America/Anguilla'],
  BB: ['America/Barbados'],
  BM: ['Atlantic/Bermuda'],
  BS: ['America/Nassau'],
  DM: ['America/Dominica'],
  DO: ['America/Santo_Domingo'],
  GD: ['America/Grenada'],
  JM: ['America/Jamaica'],
  KN: ['America/St_Kitts'],
  KY: ['America/Cayman'],
  LC: ['America/St_Lucia'],
  MS: ['America/Montserrat'],
  SX: ['America/Lower_Princes'],
  TC: ['America/Grand_Turk'],
  TT: ['America/Port_of_Spain'],
  VC: ['America/St_Vincent'],
  VG: ['America/Tortola'],
  // The UK and the Crown Dependencies share +44.
  GB: ['Europe/London'],
  GG: ['Europe/Guernsey'],
  JE: ['Europe/Jersey'],
  IM: ['Europe/Isle_of_Man'],
  IE: ['Europe/Dublin'],
  // Europe.
  AT: ['Europe/Vienna'],
  BE: ['Europe/Brussels'],
  BG: ['Europe/Sofia'],
  CH: ['Europe/Zurich'],
  CY: ['Asia/Nicosia', 'Asia/Famagusta'],
  CZ: ['Europe/Prague'],
  DE: ['Europe/Berlin'],
  DK: ['Europe/Copenhagen'],
  EE: ['Europe/Tallinn'],
  ES: ['Europe/Madrid', 'Africa/Ceuta', 'Atlantic/Canary'],
  FI: ['Europe/Helsinki'],
  FR: ['Europe/Paris'],
  GR: ['Europe/Athens'],
  HR: ['Europe/Zagreb'],
  HU: ['Europe/Budapest'],
  IS: ['Atlantic/Reykjavik'],
  IT: ['Europe/Rome'],
  LT: ['Europe/Vilnius'],
  LU: ['Europe/Luxembourg'],
  LV: ['Europe/Riga'],
  MT: ['Europe/Malta'],
  NL: ['Europe/Amsterdam'],
  NO: ['Europe/Oslo'],
  PL: ['Europe/Warsaw'],
  PT: ['Europe/Lisbon', 'Atlantic/Madeira', 'Atlantic/Azores'],
  RO: ['Europe/Bucharest'],
  SE: ['Europe/Stockholm'],
  SI: ['Europe/Ljubljana'],
  SK: ['Europe/Bratislava'],
  TR: ['Europe/Istanbul'],
  UA: ['Europe/Kyiv'],
  // Elsewhere.
  AE: ['Asia/Dubai'],
  AF: ['Asia/Kabul'],
  IL: ['Asia/Jerusalem'],
  IN: ['Asia/Kolkata'],
  IQ: ['Asia/Baghdad'],
  IR: ['Asia/Tehran'],
  JP: ['Asia/Tokyo'],
  KR: ['Asia/Seoul'],
  NZ: ['Pacific/Auckland', 'Pacific/Chatham'],
  PH: ['Asia/Manila'],
  PK: ['Asia/Karachi'],
  SA: ['Asia/Riyadh'],
  SG: ['Asia/Singapore'],
  ZA: ['Africa/Johannesburg'],
};

/** North American area codes we can place, by the zones they span. */
const NANP_AREA_CODES: ReadonlyArray<readonly [zones: readonly string[], codes: string]> = [
  // Eastern only.
  [
    [ET],
    // CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC TN VT VA WV
    '203 475 860 959 302 202 771 239 305 321 352 386 407 561 689 727 754 772 786 813 656 863 904 941 954 ' +
      '229 404 470 478 678 706 762 770 912 943 260 317 463 765 502 606 859 207 227 240 301 410 443 667 ' +
      '339 351 413 508 617 774 781 857 978 231 248 269 313 517 586 616 679 734 810 947 989 603 ' +
      '201 551 609 640 732 848 856 862 908 973 212 315 332 347 363 516 518 585 607 631 646 680 716 718 838 ' +
      '845 914 917 929 934 252 336 704 743 828 910 919 980 984 216 220 234 326 330 380 419 440 513 567 614 ' +
      '740 937 215 223 267 272 412 445 484 570 582 610 717 724 814 835 878 401 803 839 843 854 864 865 802 ' +
      '276 434 540 571 703 757 804 304 681',
  ],
  // Central only.
  [
    [CT],
    // AL AR IL IA LA MN MS MO NE TN TX WI (Alabama's 334 is below: Phenix City keeps Eastern time)
    '205 251 256 659 938 479 501 870 327 217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872 ' +
      '319 515 563 641 712 225 318 337 504 985 218 320 507 612 651 763 952 228 601 662 769 ' +
      '314 417 557 573 636 660 816 975 402 531 615 629 731 901 210 214 254 281 325 346 361 409 430 469 512 ' +
      '682 713 726 737 806 817 830 832 903 936 940 945 956 972 979 262 414 534 608 715 920 316 913 405 539 572 918',
  ],
  // Mountain (with DST) only: CO MT NM UT WY, El Paso.
  [[MT], '303 719 720 970 983 406 505 575 385 435 801 307 915'],
  // Arizona (no DST), and the Navajo Nation (DST) in 928.
  [[AZ], '480 520 602 623'],
  [[AZ, MT], '928'],
  // Pacific only: CA WA NV (but 775, below).
  [[PT], '209 213 279 310 323 341 350 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 949 951 206 253 360 425 509 564 702 725'],
  [[HI], '808'],
  [[AK, ALEUTIAN], '907'],
  // Codes that cross a zone line.
  [[ET, CT], '850 448 219 574 812 930 270 364 906 423 931 334'],
  [[CT, MT], '620 785 308 701 605 432 580'],
  [[MT, PT], '208 986 541 458 775'],
  // Canada.
  [['America/Edmonton'], '403 587 780 825 368'],
  [['America/Vancouver'], '604'],
  [['America/Vancouver', 'America/Edmonton', 'America/Creston', 'America/Dawson_Creek', 'America/Fort_Nelson'], '250 778 236 672'],
  [['America/Winnipeg'], '204 431'],
  [['America/Halifax'], '506 902 782'],
  [['America/St_Johns', 'America/Halifax'], '709'],
  [['America/Toronto'], '416 647 437 905 289 365 613 343 705 249 519 226 548 514 438 450 579 819 873'],
  [['America/Toronto', 'America/Winnipeg', 'America/Atikokan'], '807'],
  [['America/Toronto', 'America/Halifax', 'America/Blanc-Sablon'], '418 581 367'],
  [['America/Regina', 'America/Edmonton'], '306 639 474'],
  [['America/Whitehorse', 'America/Edmonton', 'America/Inuvik', 'America/Iqaluit', 'America/Rankin_Inlet', 'America/Cambridge_Bay'], '867'],
];

const AREA_CODE_ZONES: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, readonly string[]>();
  for (const [zones, codes] of NANP_AREA_CODES) {
    for (const code of codes.split(' ')) {
      if (code === '') continue;
      if (map.has(code)) throw new Error(`area code ${code} listed twice`);
      map.set(code, zones);
    }
  }
  return map;
})();

/** Australian geographic numbers by the first digit of the national number. */
const AU_PREFIX_ZONES: Readonly<Record<string, readonly string[]>> = {
  '2': ['Australia/Sydney', 'Australia/Lord_Howe'],
  '3': ['Australia/Melbourne', 'Australia/Hobart'],
  '7': ['Australia/Brisbane', 'Australia/Lindeman'],
  '8': ['Australia/Adelaide', 'Australia/Broken_Hill', 'Australia/Darwin', 'Australia/Perth', 'Australia/Eucla'],
};

export type ZoneSource = 'explicit' | 'area-code' | 'number-prefix' | 'region' | 'none';

export interface ZoneResolution {
  /** The region libphonenumber-js placed the number in, when it could. */
  region: string | null;
  /** Every zone the callee may be in; empty when unknown. */
  zones: readonly string[];
  source: ZoneSource;
  /** Why `zones` is empty, when it is. */
  problem?: 'invalid-number' | 'unknown-region' | 'invalid-time-zone';
}

const zoneValidity = new Map<string, boolean>();

/** Whether the runtime's Intl knows this IANA zone name. */
export function isKnownTimeZone(zone: string): boolean {
  let known = zoneValidity.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (zoneValidity.size > 1000) zoneValidity.clear();
    zoneValidity.set(zone, known);
  }
  return known;
}

const resolutionCache = new Map<string, ZoneResolution>();
const RESOLUTION_CACHE_LIMIT = 50_000;

/**
 * The zones the owner of `e164` may be in. An explicit zone (a CSV column) wins when it is a valid
 * IANA name; an invalid one is reported, not guessed around.
 */
export function resolveTimeZones(e164: string, explicitTimeZone?: string): ZoneResolution {
  if (explicitTimeZone !== undefined && explicitTimeZone !== '') {
    const region = regionOf(e164).region;
    if (!isKnownTimeZone(explicitTimeZone)) return { region, zones: [], source: 'none', problem: 'invalid-time-zone' };
    return { region, zones: [explicitTimeZone], source: 'explicit' };
  }
  return regionOf(e164);
}

function regionOf(e164: string): ZoneResolution {
  const cached = resolutionCache.get(e164);
  if (cached) return cached;
  const resolved = resolveFromNumber(e164);
  if (resolutionCache.size >= RESOLUTION_CACHE_LIMIT) resolutionCache.clear();
  resolutionCache.set(e164, resolved);
  return resolved;
}

function resolveFromNumber(e164: string): ZoneResolution {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || !parsed.isValid()) return { region: null, zones: [], source: 'none', problem: 'invalid-number' };
  const region = parsed.country ?? null;
  if (region === null) return { region, zones: [], source: 'none', problem: 'unknown-region' };
  const national = parsed.nationalNumber;
  if (region === 'US' || region === 'CA') {
    const zones = AREA_CODE_ZONES.get(national.slice(0, 3));
    if (zones) return { region, zones, source: 'area-code' };
  }
  if (region === 'AU') {
    const zones = AU_PREFIX_ZONES[national.slice(0, 1)];
    if (zones) return { region, zones, source: 'number-prefix' };
  }
  const zones = REGION_ZONES[region];
  if (!zones) return { region, zones: [], source: 'none', problem: 'unknown-region' };
  return { region, zones, source: 'region' };
}

/** Every zone name the tables use (for tests that check the runtime knows them all). */
export function allTabledZones(): string[] {
  const all = new Set<string>();
  for (const zones of Object.values(REGION_ZONES)) zones.forEach((z) => all.add(z));
  for (const [zones] of NANP_AREA_CODES) zones.forEach((z) => all.add(z));
  for (const zones of Object.values(AU_PREFIX_ZONES)) zones.forEach((z) => all.add(z));
  return [...all].sort();
}
