/**
 * chart.js with the pieces kdesk's charts use (bar and line controllers, category and
 * linear scales, tooltip, legend) registered once. Chart modules import `Chart` from here
 * so esbuild tree-shakes chart.js down to these.
 *
 * @module
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

export { Chart };
