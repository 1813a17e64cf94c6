/**
 * The fixed documents httpbin serves as samples of a format: `/json`, `/xml`, `/html`,
 * `/encoding/utf8`, `/forms/post`, `/robots.txt` and `/deny`. Written for wireserve in the
 * shapes httpbin clients look for (`slideshow` in JSON and XML, the Moby-Dick heading in HTML,
 * the `/post` form's field names).
 *
 * This module must not know routes or sockets.
 * @module
 */

/** `/json`: httpbin's slideshow document (clients read `slideshow.title`, `slides[…]`). */
export const SAMPLE_JSON = `{
  "slideshow": {
    "author": "Yours Truly",
    "date": "date of publication",
    "slides": [
      {
        "title": "Wake up to WonderWidgets!",
        "type": "all"
      },
      {
        "items": [
          "Why <em>WonderWidgets</em> are great",
          "Who <em>buys</em> WonderWidgets"
        ],
        "title": "Overview",
        "type": "all"
      }
    ],
    "title": "Sample Slide Show"
  }
}
`;

/** `/xml`: the same slideshow as XML. */
export const SAMPLE_XML = `<?xml version='1.0' encoding='us-ascii'?>

<!--  A SAMPLE set of slides  -->

<slideshow
    title="Sample Slide Show"
    date="Date of publication"
    author="Yours Truly"
    >

    <!-- TITLE SLIDE -->
    <slide type="all">
      <title>Wake up to WonderWidgets!</title>
    </slide>

    <!-- OVERVIEW -->
    <slide type="all">
        <title>Overview</title>
        <item>Why <em>WonderWidgets</em> are great</item>
        <item/>
        <item>Who <em>buys</em> WonderWidgets</item>
    </slide>

</slideshow>
`;

/** `/html`: a page of public-domain prose under the heading httpbin clients look for. */
export const SAMPLE_HTML = `<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Herman Melville - Moby-Dick</title>
  </head>
  <body>
      <h1>Herman Melville - Moby-Dick</h1>

      <div>
        <p>
          Call me Ishmael. Some years ago—never mind how long precisely—having little or no money
          in my purse, and nothing particular to interest me on shore, I thought I would sail about
          a little and see the watery part of the world. It is a way I have of driving off the
          spleen and regulating the circulation. Whenever I find myself growing grim about the
          mouth; whenever it is a damp, drizzly November in my soul; whenever I find myself
          involuntarily pausing before coffin warehouses, and bringing up the rear of every
          funeral I meet; and especially whenever my hypos get such an upper hand of me, that it
          requires a strong moral principle to prevent me from deliberately stepping into the
          street, and methodically knocking people's hats off—then, I account it high time to get
          to sea as soon as I can.
        </p>
      </div>
  </body>
</html>
`;

/**
 * `/encoding/utf8`: text in many scripts, to test a client's UTF-8 handling. The greeting line is
 * the phrase go-httpbin's page has and its tests look for.
 */
export const SAMPLE_UTF8_HTML = `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Unicode Demo</title>
</head>
<body>
<h1>Unicode Demo</h1>
<p>Text in UTF-8, one line per script, plus symbols outside the Basic Multilingual Plane.</p>
<pre>
Greeting:            Hello world, Καλημέρα κόσμε, コンニチハ
Latin-1 and beyond:  ÀÁÂÃÄÅ Æ Ç ÈÉÊË ß ñ ø œ ŧ ž ĳ
Greek:               Τη γλώσσα μου έδωσαν ελληνική
Cyrillic:            Съешь же ещё этих мягких французских булок
Hebrew:              עברית מימין לשמאל
Arabic:              العربية من اليمين إلى اليسار
Devanagari:          हिन्दी देवनागरी
Thai:                ภาษาไทย
Chinese:             中文 汉字 漢字
Japanese:            日本語 ひらがな カタカナ
Korean:              한국어 한글
Mathematics:         ∀x ∈ ℝ: ⌈x⌉ = −⌊−x⌋, ∑ ∫ ∂ √ ∞ ≠ ≤ ≥
Arrows and boxes:    ← ↑ → ↓ ⇔ ┌─┬─┐ │ ╞═╪═╡ └─┴─┘
Outside the BMP:     𝄞 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 🚀 🇺🇳
Combining marks:     e\u0301 a\u0308 n\u0303 (decomposed)
</pre>
</body>
</html>
`;

/** `/forms/post`: an HTML form that submits to `/post` (httpbin's pizza order fields). */
export const SAMPLE_FORM_HTML = `<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Order form</title>
  </head>
  <body>
  <form method="post" action="/post">
   <p><label>Customer name: <input name="custname"></label></p>
   <p><label>Telephone: <input type=tel name="custtel"></label></p>
   <p><label>E-mail address: <input type=email name="custemail"></label></p>
   <fieldset>
    <legend> Pizza Size </legend>
    <p><label> <input type=radio name=size value="small"> Small </label></p>
    <p><label> <input type=radio name=size value="medium"> Medium </label></p>
    <p><label> <input type=radio name=size value="large"> Large </label></p>
   </fieldset>
   <fieldset>
    <legend> Pizza Toppings </legend>
    <p><label> <input type=checkbox name="topping" value="bacon"> Bacon </label></p>
    <p><label> <input type=checkbox name="topping" value="cheese"> Extra Cheese </label></p>
    <p><label> <input type=checkbox name="topping" value="onion"> Onion </label></p>
    <p><label> <input type=checkbox name="topping" value="mushroom"> Mushroom </label></p>
   </fieldset>
   <p><label>Preferred delivery time: <input type=time min="11:00" max="21:00" step="900" name="delivery"></label></p>
   <p><label>Delivery instructions: <textarea name="comments"></textarea></label></p>
   <p><button>Submit order</button></p>
  </form>
  </body>
</html>
`;

/** `/robots.txt`: keeps crawlers off `/deny`. */
export const SAMPLE_ROBOTS_TXT = "User-agent: *\nDisallow: /deny\n";

/** `/deny`: the page `/robots.txt` forbids. */
export const SAMPLE_DENY_TEXT = "YOU SHOULDN'T BE HERE";
