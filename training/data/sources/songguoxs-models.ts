/**
 * songguoxs/gpt4o-image-prompts @ 27ee9f06bcf7d1a0a0a82411a6f03a495f9ee1b0: the images whose entry in
 * `data/prompts.json` names a model (`model` field). Extracted once from that file at that commit; the other
 * images of the gallery carry no model name.
 */
export const SONGGUOXS_NANO_BANANA_PRO: ReadonlySet<string> = new Set([
  'images/426.jpeg', 'images/427.jpeg', 'images/428.jpeg', 'images/429.jpeg', 'images/430.jpeg', 'images/431.jpeg',
  'images/432.jpeg', 'images/433.jpeg', 'images/434.jpeg', 'images/435.jpeg', 'images/436.jpeg', 'images/437.jpeg',
  'images/438.jpeg', 'images/439.png', 'images/440.jpeg', 'images/441.jpeg', 'images/442.jpeg', 'images/443.jpeg',
  'images/444.jpeg', 'images/445.jpeg', 'images/446.jpeg', 'images/447.jpeg', 'images/448.jpeg', 'images/449.jpeg',
  'images/450.jpeg', 'images/451.jpeg', 'images/452.jpeg', 'images/453.jpeg', 'images/454.jpeg', 'images/455.jpeg',
  'images/456.jpeg', 'images/457.jpeg', 'images/458.jpeg', 'images/459.jpeg', 'images/460.jpeg', 'images/461.jpeg',
  'images/462.jpeg', 'images/463.jpeg', 'images/464.jpeg', 'images/465.jpeg', 'images/466.jpeg', 'images/467.jpeg',
  'images/468.jpeg', 'images/469.jpeg', 'images/470.jpeg', 'images/471.jpeg', 'images/472.jpeg', 'images/473.jpeg',
  'images/474.jpeg', 'images/475.jpeg', 'images/476.jpeg', 'images/477.jpeg', 'images/478.jpeg', 'images/479.jpeg',
  'images/480.jpeg', 'images/481.jpeg', 'images/482.jpeg', 'images/483.jpeg', 'images/484.jpeg', 'images/485.jpeg',
  'images/486.jpeg', 'images/487.jpeg', 'images/488.jpeg', 'images/489.jpeg', 'images/490.jpeg', 'images/491.jpeg',
  'images/492.jpeg', 'images/493.jpeg', 'images/494.jpeg', 'images/495.jpeg', 'images/496.jpeg', 'images/497.jpeg',
  'images/498.jpeg', 'images/499.jpeg', 'images/500.jpeg', 'images/501.jpeg', 'images/502.jpeg', 'images/503.jpeg',
  'images/504.jpeg', 'images/505.jpeg', 'images/506.jpeg', 'images/507.jpeg', 'images/508.jpeg', 'images/509.jpeg',
  'images/510.jpeg', 'images/511.jpeg', 'images/512.jpeg', 'images/513.jpeg', 'images/514.jpeg', 'images/515.jpeg',
  'images/516.jpeg', 'images/517.png', 'images/518.jpeg', 'images/519.jpeg', 'images/520.jpeg', 'images/521.jpeg',
  'images/522.jpeg', 'images/523.jpeg', 'images/524.jpeg', 'images/525.jpeg', 'images/526.jpeg', 'images/527.jpeg',
  'images/528.jpeg', 'images/529.jpeg', 'images/530.jpeg', 'images/531.jpeg', 'images/532.jpeg', 'images/533.jpeg',
  'images/534.jpeg', 'images/535.jpeg', 'images/536.jpeg', 'images/537.jpeg', 'images/538.jpeg', 'images/539.jpeg',
  'images/540.jpeg', 'images/541.jpeg', 'images/542.jpeg', 'images/543-2.jpeg', 'images/543.jpeg', 'images/544.jpeg',
  'images/545.jpeg', 'images/546.jpeg', 'images/547-2.jpeg', 'images/547.jpeg', 'images/548.jpeg', 'images/549.jpeg',
  'images/550.jpeg', 'images/551.jpeg', 'images/552.jpeg', 'images/553.jpeg', 'images/554.jpeg', 'images/555.jpeg',
  'images/556.jpeg', 'images/557.jpeg', 'images/558.jpeg', 'images/559.jpeg', 'images/560.jpeg', 'images/561.jpeg',
  'images/562.jpeg', 'images/563.jpeg', 'images/564.jpeg', 'images/565.jpeg', 'images/566.jpeg', 'images/567.jpeg',
  'images/568.jpeg', 'images/569.jpeg', 'images/570.jpeg', 'images/571.jpeg', 'images/572.jpeg', 'images/573.jpeg',
  'images/574.jpeg', 'images/575.jpeg', 'images/576.jpeg', 'images/577.jpeg', 'images/578.jpeg', 'images/579.jpeg',
  'images/580.jpeg', 'images/581.jpeg', 'images/582.jpeg', 'images/583.jpeg', 'images/584.jpeg', 'images/585.jpeg',
  'images/586.jpeg', 'images/587.jpeg', 'images/588.jpeg', 'images/589.jpeg', 'images/590.jpeg', 'images/591-2.jpeg',
  'images/591.jpeg', 'images/592.jpeg', 'images/593.png', 'images/594.png', 'images/595.jpeg', 'images/596.jpeg',
  'images/597.jpeg', 'images/598.jpeg', 'images/599.jpeg', 'images/600-2.jpeg', 'images/600.jpeg', 'images/601.jpeg',
  'images/602.jpeg', 'images/603.jpeg', 'images/604.jpeg', 'images/605.jpeg', 'images/606.jpeg', 'images/607.jpeg',
  'images/608.jpeg', 'images/609.jpeg', 'images/610.jpeg', 'images/611.jpeg', 'images/612.jpeg', 'images/613.jpeg',
  'images/614.jpeg', 'images/615.jpeg', 'images/616.jpeg', 'images/617.jpeg', 'images/618.jpeg', 'images/619.jpeg',
  'images/620.jpeg', 'images/621.jpeg', 'images/622.jpeg', 'images/623-2.jpeg', 'images/623.jpeg', 'images/624.jpeg',
  'images/625.jpeg', 'images/626.jpeg', 'images/627.jpeg', 'images/629-2.jpeg', 'images/629.jpeg', 'images/630.jpeg',
]);
export const SONGGUOXS_Z_IMAGE_TURBO: ReadonlySet<string> = new Set(['images/628.jpeg']);
