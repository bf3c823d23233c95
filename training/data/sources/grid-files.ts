/**
 * Gallery images that are grids/collages of several outputs, by repository path. Found once (2026-12-04) by a seam
 * detector (a column and a row at 1/2, 1/3 or 1/4 of the size whose pixel differences are ≥ 3× the median column/row
 * difference) over the assembled files, then checked on contact sheets: nearly all are grids; the few single
 * images caught (posters with hard panel edges) are left out too. Grids are not cropped here: tile boxes differ
 * per file. muset-nbpro: each path also under its docs/images ↔ cases twin (byte copies).
 */
export const GRID_FILES: Readonly<Record<string, ReadonlySet<string>>> = {
  'songguoxs-gallery': new Set([
    // second pass: copies of excluded grids that surfaced once the originals were left out
    'images/262.png', 'images/273.jpeg',
    'images/10.png', 'images/1004.jpeg', 'images/1024.jpeg', 'images/103.png', 'images/1034.jpeg',
    'images/1048.jpeg', 'images/106.png', 'images/107.png', 'images/11.jpeg', 'images/115.png', 'images/116.png',
    'images/117.png', 'images/120-2.jpeg', 'images/120.png', 'images/123.png', 'images/125.png', 'images/126.jpeg',
    'images/127.png', 'images/128.png', 'images/133.png', 'images/134-2.jpeg', 'images/134.jpeg', 'images/137.jpeg',
    'images/140.png', 'images/144-2.png', 'images/145.png', 'images/147.jpeg', 'images/150.png', 'images/151-2.png',
    'images/156.jpeg', 'images/16.png', 'images/160.png', 'images/161.png', 'images/162.png', 'images/165.png',
    'images/170.png', 'images/171-3.png', 'images/171-4.jpeg', 'images/174-2.png', 'images/174.png',
    'images/177.jpeg', 'images/183-2.png', 'images/194.jpeg', 'images/195.png', 'images/197.png', 'images/206.jpeg',
    'images/209.jpeg', 'images/21.jpeg', 'images/212.png', 'images/215.png', 'images/217.png', 'images/219.png',
    'images/224.png', 'images/226.png', 'images/227.png', 'images/231.png', 'images/233.png', 'images/237.png',
    'images/242.png', 'images/244.png', 'images/246.jpeg', 'images/248.png', 'images/250.png', 'images/256.jpeg',
    'images/260.png', 'images/269.png', 'images/273-2.jpeg', 'images/277.png', 'images/28.png', 'images/287.png',
    'images/292.jpeg', 'images/315.jpeg', 'images/316.jpeg', 'images/321.jpeg', 'images/322.jpeg', 'images/363.jpeg',
    'images/366.jpeg', 'images/368.jpeg', 'images/377.jpeg', 'images/39.png', 'images/40.jpeg', 'images/409.jpeg',
    'images/413.jpeg', 'images/44.png', 'images/459.jpeg', 'images/462.jpeg', 'images/48.png', 'images/498.jpeg',
    'images/5.png', 'images/520.jpeg', 'images/588.jpeg', 'images/594.png', 'images/595.jpeg', 'images/596.jpeg',
    'images/6.png', 'images/60.jpeg', 'images/61.png', 'images/617.jpeg', 'images/618.jpeg', 'images/63.jpeg',
    'images/64.png', 'images/644.jpeg', 'images/658.jpeg', 'images/66.png', 'images/69.png', 'images/696.jpeg',
    'images/70.jpeg', 'images/702.jpeg', 'images/704.jpeg', 'images/710.jpeg', 'images/72.png', 'images/726.jpeg',
    'images/73.png', 'images/74.png', 'images/76.png', 'images/77.jpeg', 'images/773.jpeg', 'images/774.jpeg',
    'images/777.jpeg', 'images/8.png', 'images/807.jpeg', 'images/81.png', 'images/842.jpeg', 'images/844.jpeg',
    'images/849.jpeg', 'images/851.jpeg', 'images/853.jpeg', 'images/854.jpeg', 'images/861.jpeg', 'images/871.jpeg',
    'images/874.jpeg', 'images/878.jpeg', 'images/888.jpeg', 'images/891.jpeg', 'images/892.jpeg', 'images/893.jpeg',
    'images/897.jpeg', 'images/899.jpeg', 'images/910.jpeg', 'images/911.jpeg', 'images/922.jpeg', 'images/948.jpeg',
    'images/962.jpeg', 'images/973.jpeg', 'images/974.jpeg', 'images/98.jpeg', 'images/99.png', 'images/990.jpeg',
    'images/groupchat.jpg',
  ]),
  'picotrex-nano-banana': new Set([
    'images/case10/output.jpg', 'images/case104/output.jpg', 'images/case28/output.jpg',
    'images/pro_case15/output.jpg',
  ]),
  'muset-nbpro': new Set([
    'cases/108/427.output.1.webp', 'cases/109/428.output.1.webp', 'cases/142/308.output.1.JPG',
    'cases/159/104.output.1.png', 'cases/175/120.output.1.png', 'cases/97/416.output.1.webp',
    'docs/images/108/427.output.1.webp', 'docs/images/109/428.output.1.webp', 'docs/images/142/308.output.1.JPG',
    'docs/images/159/104.output.1.png', 'docs/images/175/120.output.1.png', 'docs/images/97/416.output.1.webp',
  ]),
  'midjourney-v7-gallery': new Set([
    'images/text/prompt-2-minimalist-brand-logo.jpg',
    'docs/images/text/prompt-2-minimalist-brand-logo.jpg', 'docs/x-twitter-images/michaelrabone_koi_3.jpg',
    'docs/x-twitter-images/michaelrabone_sref_3625817665_fiber.jpg',
    'docs/x-twitter-images/michaelrabone_sref_419519381_storybook.jpg', 'docs/x-twitter-images/nickfloats_exp.jpg',
    'docs/x-twitter-images/promptsref_myth_sref.jpg',
  ]),
};
